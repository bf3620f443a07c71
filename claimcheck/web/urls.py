from django.urls import path

from . import health, views

app_name = "web"

urlpatterns = [
    path("", views.home, name="home"),
    path("claims/<slug:slug>/", views.claim_detail, name="claim"),
    path("subjects/<slug:slug>/", views.subject_detail, name="subject"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
]
