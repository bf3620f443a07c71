from django.contrib import admin
from django.urls import include, path

handler404 = "claimcheck.web.views.page_not_found"
handler500 = "claimcheck.web.views.server_error"

admin.site.site_header = "ClaimCheck curation"
admin.site.site_title = "ClaimCheck admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("claimcheck.api.urls")),
    path("articles/", include("articles.urls")),
    path("", include("claimcheck.web.urls")),
]
