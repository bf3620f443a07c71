from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class AccountsConfig(AppConfig):
    name = "claimcheck.accounts"
    label = "accounts"
    verbose_name = "API keys"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import stamp_staff_session

        user_logged_in.connect(stamp_staff_session, dispatch_uid="accounts-stamp-staff-session")


class StaffAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, with admin.site being the two-factor StaffAdminSite. Listed in
    INSTALLED_APPS in place of "django.contrib.admin"."""

    default = False  # not this package's own app config (that is AccountsConfig)
    default_site = "claimcheck.accounts.admin_site.StaffAdminSite"
