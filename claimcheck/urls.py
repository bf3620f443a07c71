from django.conf import settings
from django.contrib import admin
from django.urls import include, path

handler404 = "claimcheck.web.views.page_not_found"
handler500 = "claimcheck.web.views.server_error"

admin.site.site_header = "ClaimCheck curation"
admin.site.site_title = "ClaimCheck admin"

urlpatterns = [
    # Staff pages answer at settings.ADMIN_PATH; two-factor enrollment sits beside the admin.
    path(settings.ADMIN_PATH, include("claimcheck.accounts.urls")),
    path(settings.ADMIN_PATH, admin.site.urls),
    path("api/", include("claimcheck.api.urls")),
    path("articles/", include("articles.urls")),
    path("", include("claimcheck.web.urls")),
]

if settings.BENCH_ENDPOINTS:  # benchmark floors (bench/README.md); off unless set
    from claimcheck.web import bench

    urlpatterns.insert(0, path("bench/json", bench.floor_json))
    urlpatterns.insert(1, path("bench/row", bench.floor_row))
