"""Print the content version every process of this install serves, or move it on."""

from django.core.management.base import BaseCommand

from claimcheck import freshness


class Command(BaseCommand):
    help = (
        "Print the current content version (hex, as in ETags). With --bump, start a new one: "
        "every worker then rebuilds pages, answers and documents on its next request."
    )

    def add_arguments(self, parser):
        parser.add_argument("--bump", action="store_true", help="start a new version")

    def handle(self, *args, bump=False, **options):
        if bump:
            freshness.bump_now()
        where = "Redis" if freshness.in_redis() else "the database"
        self.stdout.write(f"{freshness.current():x} (kept in {where})")
