"""Re-rate every claim rated under an older rubric version (after a rubric upgrade)."""

from django.core.management.base import BaseCommand

from claimcheck import rubric
from claimcheck.claims import services


class Command(BaseCommand):
    help = (
        "Re-rate every claim whose rating was made under another rubric version, recording "
        '"Rubric <version>" in the verdict history. A rerun changes nothing.'
    )

    def handle(self, *args, **options):
        with services.command_reason(f"Rubric {rubric.VERSION}"):
            moved = services.claims_rerate_for_rubric(by=services.system_user())
        for slug, (old_verdict, old_score), (new_verdict, new_score) in moved:
            mark = "" if (old_verdict, old_score) == (new_verdict, new_score) else "  (moved)"
            self.stdout.write(
                f"{slug}: {old_verdict} {old_score} -> {new_verdict} {new_score}{mark}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"{len(moved)} claim(s) re-rated under rubric {rubric.VERSION}.")
        )
