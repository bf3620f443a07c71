from django.core.management.base import BaseCommand

from claimcheck.claims import opendata


class Command(BaseCommand):
    help = (
        "Write the published dataset as an open-data dump (JSON Lines and CSV per table, "
        "with manifest.json) into a folder."
    )

    def add_arguments(self, parser):
        parser.add_argument("--output", required=True, help="Folder to write (created if missing).")

    def handle(self, *args, output, **options):
        manifest = opendata.write_folder(output)
        counts = ", ".join(f"{n} {name}" for name, n in manifest["counts"].items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Open data format {manifest['format_version']}, rubric "
                f"{manifest['rubric_version']}, generated {manifest['generated_at']}: "
                f"{len(manifest['files']) + 1} files in {output} ({counts})."
            )
        )
