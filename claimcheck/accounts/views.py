"""Staff two-factor enrollment: a staff member without an authenticator app proves their
password and the enrollment code an administrator issued them, scans the secret into an app,
and confirms it with the first code, which signs them in (both factors checked) and shows
their backup codes once. Both steps live under the admin path.

The password step goes through `authenticate(request, ...)`, so django-axes counts its failures
and locks it out exactly like the admin login. Enrollment is refused to accounts that already
have a confirmed authenticator (claimcheck.accounts.two_factor).
"""

import logging
import time

from django.contrib import admin
from django.contrib.auth import authenticate, login
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import two_factor
from .forms import EnrollConfirmForm, EnrollSignInForm
from .models import EnrollmentCode

logger = logging.getLogger(__name__)

ENROLL_SESSION_KEY = "accounts_totp_enroll"
ENROLL_MAX_AGE = 600  # seconds between the password step and the confirming code


def _render(request, template, **context):
    return render(request, template, {**admin.site.each_context(request), **context})


@never_cache
@sensitive_post_parameters("password")
def totp_enroll(request):
    form = EnrollSignInForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        user = authenticate(
            request,
            username=form.cleaned_data["username"],
            password=form.cleaned_data["password"],
        )
        code = (
            two_factor.enrollment_code_find(user=user, plaintext=form.cleaned_data["code"])
            if user is not None and user.is_staff
            else None
        )
        if code is None:
            form.add_error(
                None,
                "Enter the username and password of a staff account, and the enrollment code "
                "an administrator gave you for it (codes are single-use and expire).",
            )
        else:
            try:
                device = two_factor.totp_device_begin(user=user)
            except two_factor.TwoFactorError as error:
                form.add_error(None, str(error))
            else:
                request.session[ENROLL_SESSION_KEY] = {
                    "user": user.pk,
                    "device": device.pk,
                    "code": code.pk,
                    "at": int(time.time()),
                }
                return redirect("accounts:totp-enroll-confirm")
    return _render(
        request, "accounts/totp_enroll.html", form=form, title="Set up two-factor authentication"
    )


def _enrolling_device(request):
    """(The unconfirmed device this browser is enrolling, the enrollment code that allowed
    it), if the password step was recent; else (None, None)."""
    state = request.session.get(ENROLL_SESSION_KEY)
    if not isinstance(state, dict) or time.time() - state.get("at", 0) > ENROLL_MAX_AGE:
        return None, None
    code = EnrollmentCode.objects.filter(pk=state.get("code"), user_id=state.get("user")).first()
    if code is None:
        return None, None
    device = (
        TOTPDevice.objects.select_related("user")
        .filter(
            pk=state.get("device"),
            user_id=state.get("user"),
            confirmed=False,
            user__is_active=True,
            user__is_staff=True,
        )
        .first()
    )
    return (device, code) if device is not None else (None, None)


@never_cache
def totp_enroll_confirm(request):
    device, code = _enrolling_device(request)
    if device is None:
        request.session.pop(ENROLL_SESSION_KEY, None)
        return redirect("accounts:totp-enroll")
    form = EnrollConfirmForm(request.POST if request.method == "POST" else None)
    if form.is_bound and form.is_valid():
        try:
            device, backup = two_factor.totp_device_confirm(
                device=device, token=form.cleaned_data["token"], enrollment=code
            )
        except two_factor.TwoFactorError as error:
            form.add_error("token", str(error))
        else:
            del request.session[ENROLL_SESSION_KEY]
            login(request, device.user, backend="django.contrib.auth.backends.ModelBackend")
            otp_login(request, device)
            logger.info("staff enrolled an authenticator user=%s", device.user_id)
            # Shown once, on this answer only (never cached, never stored in plain text).
            return _render(
                request,
                "accounts/backup_codes.html",
                title="Your backup codes",
                codes=backup,
            )
    return _render(
        request,
        "accounts/totp_enroll_confirm.html",
        form=form,
        title="Scan the code, then confirm",
        qr_code=two_factor.totp_qr_data_uri(device),
        secret=two_factor.totp_secret_for_typing(device),
        config_url=device.config_url,
    )
