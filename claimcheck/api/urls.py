from csp.decorators import csp_update
from django.urls import path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)

from . import errors, views
from .negotiation import SchemaNegotiation

app_name = "api"

urlpatterns = [
    path("v1/claims/", views.ClaimCollection.as_view(), name="claims"),
    path("v1/claims/<slug:slug>/", views.ClaimItem.as_view(), name="claim"),
    path("v1/claims/<slug:slug>/history/", views.ClaimHistory.as_view(), name="claim-history"),
    path("v1/claims/<slug:slug>/submit/", views.ClaimSubmit.as_view(), name="claim-submit"),
    path("v1/claims/<slug:slug>/evidence/", views.EvidenceCreate.as_view(), name="evidence"),
    path(
        "v1/claims/<slug:slug>/evidence/<int:source_id>/",
        views.EvidenceUpdate.as_view(),
        name="evidence-link",
    ),
    path("v1/subjects/", views.SubjectList.as_view(), name="subjects"),
    path("v1/subjects/<slug:slug>/", views.SubjectDetail.as_view(), name="subject"),
    path("v1/sources/", views.SourceCollection.as_view(), name="sources"),
    path("v1/sources/<int:pk>/", views.SourceItem.as_view(), name="source"),
    path("v1/signals/", views.SignalList.as_view(), name="signals"),
    path("v1/signals/<slug:slug>/", views.SignalDetail.as_view(), name="signal"),
    path("v1/articles/", views.ArticleList.as_view(), name="articles"),
    path("v1/articles/<slug:slug>/", views.ArticleDetail.as_view(), name="article"),
    path("v1/rubric/", views.RubricView.as_view(), name="rubric"),
    path("v1/search/", views.SearchView.as_view(), name="search"),
    path("v1/check-requests/", views.CheckRequestCreate.as_view(), name="check-requests"),
    path("v1/check/", views.CopyCheck.as_view(), name="check"),
    path("v1/webhooks/", views.WebhookCollection.as_view(), name="webhooks"),
    path("v1/webhooks/<int:pk>/", views.WebhookItem.as_view(), name="webhook"),
    path(
        "schema/",
        SpectacularAPIView.as_view(content_negotiation_class=SchemaNegotiation),
        name="schema",
    ),
    # Both viewers are served from drf-spectacular-sidecar (no CDN). Swagger UI keeps the site's
    # policy. Redoc styles itself with styled-components, which writes <style> elements at run
    # time (no nonce can reach its bundle), and starts a worker from a blob: URL: its page alone
    # allows inline styles and blob: workers; scripts stay 'self' there too.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="api/swagger_ui.html"
        ),
        name="docs",
    ),
    path(
        "redoc/",
        csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["'self'", "blob:"]})(
            SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")
        ),
        name="redoc",
    ),
    # Anything else under /api/ is a JSON 404, never the HTML page.
    re_path(r"^[\s\S]*$", errors.not_found),
]
