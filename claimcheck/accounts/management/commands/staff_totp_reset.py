"""Remove a staff member's authenticator (a lost phone) so they can enroll a new one at
<ADMIN_PATH>2fa/setup/. For when no administrator can sign in to do it in the admin."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from claimcheck.accounts import two_factor


class Command(BaseCommand):
    help = "Remove a staff member's authenticator app so they can set up a new one."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No account is called {username!r}.")
        removed = two_factor.totp_devices_remove(user=user)
        self.stdout.write(
            f"Removed {removed} authenticator(s) of {username}. They can now set up a new one "
            f"at /{settings.ADMIN_PATH}2fa/setup/ with their password."
        )
