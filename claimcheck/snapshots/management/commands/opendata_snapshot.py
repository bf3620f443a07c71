"""Take today's dated open-data dump (run daily by the job queue); prune the oldest."""

from django.core.management.base import BaseCommand

from claimcheck.snapshots import services


class Command(BaseCommand):
    help = (
        "Store today's (UTC) open-data dump at /open-data/YYYY-MM-DD/claimcheck.zip, unless "
        "it was already taken today, and prune snapshots beyond OPENDATA_SNAPSHOTS_KEPT."
    )

    def handle(self, *args, **options):
        snapshot, created = services.opendata_snapshot_take()
        verb = "Took" if created else "Already taken:"
        self.stdout.write(
            f"{verb} the open-data snapshot of {snapshot.date.isoformat()} "
            f"({snapshot.size} bytes, sha256 {snapshot.sha256}) at {snapshot.get_absolute_url()}"
        )
