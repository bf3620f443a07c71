"""Staff account pages, mounted under the admin path (settings.ADMIN_PATH)."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("2fa/setup/", views.totp_enroll, name="totp-enroll"),
    path("2fa/setup/confirm/", views.totp_enroll_confirm, name="totp-enroll-confirm"),
]
