"""The admin site, with two-factor authentication for staff (django-otp, TOTP).

When settings.STAFF_2FA_REQUIRED is on (the default unless DEBUG), only staff whose session
was verified with a TOTP token get in, and the login form asks for the token next to the
password. Staff without an authenticator enroll one first (claimcheck.accounts.views). With the
setting off (development) the admin takes a plain password login, as Django's does.

The site is installed as `admin.site` by StaffAdminConfig (claimcheck/accounts/apps.py), so
every app's `@admin.register` lands here and `reverse("admin:...")` keeps working.
"""

from django import forms
from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django_otp.forms import OTPAuthenticationFormMixin
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import BackupCodes, backup_code_hash


def staff_2fa_required():
    return settings.STAFF_2FA_REQUIRED


def is_verified(user):
    """Whether this session's user proved a second factor (django-otp's OTPMiddleware)."""
    return bool(getattr(user, "is_verified", lambda: False)())


class StaffOTPLoginForm(OTPAuthenticationFormMixin, AdminAuthenticationForm):
    """Username, password and the current code of the account's authenticator app.

    Each account has at most one confirmed TOTP device (enrollment refuses a second), so the
    device is the account's own and there is nothing to choose. django-otp throttles wrong codes
    per device; wrong passwords are counted by django-axes like any failed sign-in.
    """

    otp_token = forms.CharField(
        label="Authenticator code",
        required=False,
        max_length=24,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "size": 22}),
        help_text="The 6-digit code your authenticator app shows for ClaimCheck, or one of your "
        "backup codes.",
    )
    otp_error_messages = {
        **OTPAuthenticationFormMixin.otp_error_messages,
        "token_required": "Enter the code from your authenticator app.",
        "invalid_token": "That code is not valid. Enter the current code from your app.",
        "device_required": (
            "This account has no authenticator app yet. Set one up with “Set up two-factor "
            "authentication” below, then sign in."
        ),
    }

    def clean(self):
        cleaned_data = super().clean()
        self.clean_otp(self.get_user())
        return cleaned_data

    def _chosen_device(self, user):
        # Called inside clean_otp's transaction: lock the row so that two concurrent sign-ins
        # cannot both use the same code (the device records the last time step it accepted).
        # A code shaped like a backup code (XXXX-XXXX-XXXX-XXXX) is checked against the
        # account's backup codes instead, each usable once.
        model = BackupCodes if backup_code_hash(self.cleaned_data.get("otp_token")) else TOTPDevice
        return (
            model.objects.devices_for_user(user, confirmed=True)
            .select_for_update()
            .order_by("pk")
            .first()
        )

    def _update_form(self, user):
        """django-otp fills a device menu here; there is no menu (one device per account)."""


class StaffAdminSite(AdminSite):
    @property
    def login_form(self):
        return StaffOTPLoginForm if staff_2fa_required() else AdminAuthenticationForm

    @property
    def login_template(self):
        return "accounts/admin_login.html"

    def has_permission(self, request):
        """Active staff, and, when 2FA is required, a session verified with a token. Staff who
        signed in without one (while 2FA was off) are sent back to the login form."""
        if not super().has_permission(request):
            return False
        return not staff_2fa_required() or is_verified(request.user)
