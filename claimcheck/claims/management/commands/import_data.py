from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claimcheck.claims import imports, services


class Command(BaseCommand):
    help = (
        "Import sources, claims or a whole open-data dump from CSV, JSON, JSON Lines, a zip "
        "or a folder. Dry run by default: prints every record's outcome and writes nothing; "
        "--commit writes, all or nothing, as the system user."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="A .csv, .json or .jsonl file, a dump .zip or folder.")
        parser.add_argument(
            "--kind",
            choices=imports.KINDS,
            help="What the file holds (default: a folder or .zip is a dump; otherwise taken "
            "from the file name, sources… or claims…).",
        )
        parser.add_argument("--commit", action="store_true", help="Write (default: dry run).")

    def handle(self, *args, file, kind, commit, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"{file}: no such file or folder.")
        kind = kind or _guess_kind(path)
        name = path.name
        with services.command_reason(f"import_data {name}"[:100]):
            if path.is_dir():
                report = imports.run(
                    name, kind="dump", by=services.system_user(), commit=commit, folder=path
                )
            else:
                report = imports.run(
                    name,
                    path.read_bytes(),
                    kind=kind,
                    by=services.system_user(),
                    commit=commit,
                )
        for line in report.lines():
            self.stdout.write(line)
        summary = "; ".join(
            f"{entity}: " + ", ".join(f"{n} {action}" for action, n in sorted(actions.items()))
            for entity, actions in report.counts().items()
        )
        if not report.ok:
            raise CommandError(
                f"Nothing was written: {len(report.error_rows)} record(s) with errors"
                f"{' and a file error' if report.file_errors else ''}. {summary}"
            )
        if report.committed:
            self.stdout.write(self.style.SUCCESS(f"Imported. {summary}"))
        else:
            self.stdout.write(
                self.style.WARNING(f"Dry run, nothing written; add --commit to import. {summary}")
            )


def _guess_kind(path):
    if path.is_dir() or path.suffix.lower() == ".zip":
        return "dump"
    for kind in ("sources", "claims"):
        if path.name.lower().startswith(kind):
            return kind
    raise CommandError("Say what the file holds with --kind sources, claims or dump.")
