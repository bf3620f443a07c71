"""Issue the single-use code a staff member needs to set up their first authenticator app."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from claimcheck.accounts import two_factor
from claimcheck.claims.services import system_user


class Command(BaseCommand):
    help = (
        "Issue a single-use enrollment code for a staff account without an authenticator app "
        "(valid 24 hours unless --hours says otherwise). Give it to them out of band."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--hours", type=int, default=two_factor.ENROLLMENT_HOURS)

    def handle(self, *args, username, hours, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account is called {username!r}.")
        try:
            code, plaintext = two_factor.enrollment_code_issue(
                user=user, by=system_user(), hours=hours
            )
        except two_factor.TwoFactorError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Enrollment code for {username}: {plaintext}\n"
            f"Valid once, until {code.expires_at:%Y-%m-%d %H:%M} UTC, at "
            f"/{settings.ADMIN_PATH}2fa/setup/ with their password. It is not shown again."
        )
