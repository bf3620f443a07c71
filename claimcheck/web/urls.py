from django.contrib.sitemaps.views import sitemap
from django.urls import path

from . import developer_keys, feeds, health, open_data, views
from .caching import public_page

app_name = "web"

SITEMAPS = {
    "pages": feeds.StaticSitemap,
    "claims": feeds.ClaimSitemap,
    "subjects": feeds.SubjectSitemap,
    "concerns": feeds.ConcernSitemap,
}

urlpatterns = [
    path("", views.home, name="home"),
    path("claims/<slug:slug>/", views.claim_detail, name="claim"),
    path("claims/<slug:slug>/badge.svg", views.badge, name="badge"),
    path("claims/<slug:slug>/card.png", views.card, name="card"),
    path("subjects/<slug:slug>/", views.subject_detail, name="subject"),
    path("concerns/<slug:slug>/", views.concern_detail, name="concern"),
    path("search/", views.search, name="search"),
    path("compare/", views.compare, name="compare"),
    path("methodology/", views.methodology, name="methodology"),
    path("about/", views.about, name="about"),
    path("developers/", views.developers, name="developers"),
    path("developers/keys/", developer_keys.keys, name="developer-keys"),
    path("developers/keys/sent/", developer_keys.sent, name="developer-keys-sent"),
    path(
        "developers/keys/confirm/<str:token>/",
        developer_keys.confirm,
        name="developer-key-confirm",
    ),
    path(
        "developers/keys/manage/", developer_keys.manage_request, name="developer-keys-manage-ask"
    ),
    path(
        "developers/keys/manage/<str:token>/", developer_keys.manage, name="developer-keys-manage"
    ),
    path("corrections/", views.corrections, name="corrections"),
    path("open-data/", open_data.page, name="open-data"),
    path("open-data/claimcheck-open-data.zip", open_data.download, name="open-data-zip"),
    path("open-data/dumps.json", open_data.dated_list, name="open-data-dated-list"),
    path("open-data/<str:day>/claimcheck.zip", open_data.dated, name="open-data-dated"),
    path("check/", views.copy_check, name="check"),
    path("requests/new/", views.request_new, name="request-new"),
    path("requests/<uuid:public_id>/", views.request_status, name="request-status"),
    path("feeds/verdicts.atom", public_page(feeds.VerdictFeed()), name="feed"),
    path("sitemap.xml", public_page(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
