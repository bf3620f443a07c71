"""Remove a staff member's authenticator and backup codes (a lost phone) and issue the
enrollment code they need to set up a new one at <ADMIN_PATH>2fa/setup/."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from claimcheck.accounts import two_factor
from claimcheck.claims.services import system_user


class Command(BaseCommand):
    help = "Remove a staff member's authenticator app and issue a code to set up a new one."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account is called {username!r}.")
        removed = two_factor.totp_devices_remove(user=user)
        try:
            code, plaintext = two_factor.enrollment_code_issue(user=user, by=system_user())
        except two_factor.TwoFactorError as error:
            raise CommandError(f"Removed {removed} authenticator(s); {error}") from error
        self.stdout.write(
            f"Removed {removed} authenticator(s) of {username}. Their enrollment code is "
            f"{plaintext} (once, until {code.expires_at:%Y-%m-%d %H:%M} UTC), to set up a new "
            f"one at /{settings.ADMIN_PATH}2fa/setup/ with their password."
        )
