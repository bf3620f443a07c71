from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "ClaimCheck curation"
admin.site.site_title = "ClaimCheck admin"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("claimcheck.api.urls")),
    path("", include("claimcheck.web.urls")),
]
