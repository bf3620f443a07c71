"""`manage.py watch --once [--source NAME]`: run the evidence-watch connectors now."""

from django.core.management.base import BaseCommand, CommandError

from claimcheck.watch import jobs


class Command(BaseCommand):
    help = "Run the enabled evidence-watch connectors once and print what each found."

    def add_arguments(self, parser):
        parser.add_argument(
            "--once", action="store_true", help="Run once (the schedule is the job queue's)."
        )
        parser.add_argument("--source", help="Only this connector (it must be enabled).")

    def handle(self, *args, once, source, **options):
        if not once:
            raise CommandError("Give --once: this command runs the connectors one time.")
        try:
            summary = jobs.watch_run(source=source)
        except jobs.UnknownSource as error:
            raise CommandError(str(error)) from error
        if not summary:
            self.stdout.write("No watch source is enabled (set WATCH_SOURCES).")
            return
        self.stdout.write(f"{'source':<16}{'outcome':<10}{'requests':>9}{'findings':>9}{'new':>6}")
        for name, row in summary.items():
            self.stdout.write(
                f"{name:<16}{row['outcome']:<10}{row['requests']:>9}{row['findings']:>9}"
                f"{row['new']:>6}"
            )
            if row["error"]:
                self.stdout.write(f"  error: {row['error'].splitlines()[0]}")
