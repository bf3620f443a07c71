from django.core.management.base import BaseCommand, CommandError

from claimcheck.claims import starter


class Command(BaseCommand):
    help = "Load the curated starter dataset (idempotent: a second run changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            default=str(starter.DATA_DIR),
            help="Folder holding the YAML files (default: the bundled data).",
        )

    def handle(self, *args, data_dir, **options):
        try:
            report = starter.load(data_dir=data_dir)
        except starter.StarterDataError as error:
            raise CommandError(f"Starter data not loaded, nothing was written: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Starter data: {report.records} records in {report.files} files; "
                f"{report.claims_published} claim(s) published, "
                f"{report.ratings_written} new rating(s)."
            )
        )
