"""The starter-data command lives in the articles app because it loads both datasets, and
imports flow one way (articles -> claims): the claims' records first, then the articles that
link to them, in one transaction.

A plain run refreshes the starter records from the files, so it also undoes staff edits to
them (`make starter-data` does that on purpose). `--if-empty` loads only into a database that
holds no starter-data or article rows yet, and otherwise writes nothing: the compose stack's
release step runs it on every deployment (docker/release)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles import starter as article_starter
from claimcheck.claims import starter


class Command(BaseCommand):
    help = "Load the curated starter dataset and articles (idempotent: a rerun changes nothing)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--data-dir",
            default=str(starter.DATA_DIR),
            help="Folder holding the claims' YAML files (default: the bundled data).",
        )
        parser.add_argument(
            "--articles-dir",
            default=str(article_starter.DATA_DIR),
            help="Folder holding the article Markdown files (default: the bundled articles).",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only into a database with no content yet; otherwise write nothing.",
        )

    def handle(self, *args, data_dir, articles_dir, if_empty=False, **options):
        if if_empty:
            held = {
                name: count
                for name, count in (starter.counts() | article_starter.counts()).items()
                if count
            }
            if held:
                self.stdout.write(
                    "Starter data not loaded: the database already holds content ("
                    + ", ".join(f"{count} {name}" for name, count in sorted(held.items()))
                    + "), and --if-empty never writes over it."
                )
                return
        try:
            with transaction.atomic():
                report = starter.load(data_dir=data_dir)
                articles = article_starter.load(data_dir=articles_dir)
        except starter.StarterDataError as error:
            raise CommandError(f"Starter data not loaded, nothing was written: {error}") from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Starter data: {report.records} records in {report.files} files; "
                f"{report.claims_published} claim(s) published, "
                f"{report.ratings_written} new rating(s)."
            )
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"Starter articles: {articles.files} file(s); {articles.articles_written} "
                f"written, {articles.articles_published} published."
            )
        )
