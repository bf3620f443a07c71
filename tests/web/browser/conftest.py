"""Browser, accessibility and HTML-validity tests: shared tools and fixtures.

The tools live outside git and are installed by `make browser-deps` (which `.ci/run` calls):
Debian's Chromium, Java, and the `axe-core` and `vnu-jar` npm packages in `.cache/node`.
Their paths can be overridden with CHROMIUM_PATH, AXE_JS, VNU_JAR and JAVA. A missing tool
fails the test with that hint: these tests never skip themselves.
"""

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
NODE_MODULES = ROOT / ".cache" / "node" / "node_modules"
CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
AXE_JS = os.environ.get("AXE_JS", str(NODE_MODULES / "axe-core" / "axe.min.js"))
VNU_JAR = os.environ.get("VNU_JAR", str(NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"))
JAVA = os.environ.get("JAVA", "java")
INSTALL_HINT = "Run `make browser-deps` (Chromium, Java, axe-core and vnu-jar) and try again."

# The flags this machine's closed network needs (no background requests to Google's hosts);
# --no-sandbox because CI runs as root.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_file(path, what):
    if not Path(path).is_file():
        pytest.fail(f"{what} not found at {path}. {INSTALL_HINT}", pytrace=False)
    return str(path)


@pytest.fixture(scope="session")
def axe_js():
    return require_file(AXE_JS, "axe-core's axe.min.js (AXE_JS)")


@pytest.fixture(scope="session")
def vnu_command():
    """The Nu HTML checker's command line, without the files to check."""
    jar = require_file(VNU_JAR, "The Nu HTML checker vnu.jar (VNU_JAR)")
    java = shutil.which(JAVA)
    if java is None:
        pytest.fail(
            f"Java ({JAVA}) is not on PATH; the Nu HTML checker needs it. {INSTALL_HINT}",
            pytrace=False,
        )
    return [java, "-Xss16m", "-jar", jar, "--errors-only", "--format", "json"]


@pytest.fixture(scope="package")
def browser():
    """One headless Chromium for all the browser tests.

    Package-scoped rather than session-scoped: Playwright's sync API keeps an asyncio loop
    running in the main thread while it is started, so it is stopped as soon as the browser
    tests are done and cannot disturb the rest of the suite. While it runs, Django would take
    that loop for an async context and refuse ORM calls from the test thread (fixtures,
    the test client, the transactional flush); they are synchronous, so
    DJANGO_ALLOW_ASYNC_UNSAFE says so for that time only.
    """
    from playwright.sync_api import sync_playwright

    require_file(CHROMIUM_PATH, "Chromium (CHROMIUM_PATH)")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        patch.setenv("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(
                executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_ARGS
            )
            yield chromium
            chromium.close()


@pytest.fixture(scope="session")
def starter_snapshot():
    """The starter site as serialized rows, made by the first test that needs it."""
    return {}


# Rows the pages never read, or that Django recreates itself (permissions, and the staff
# groups, synced after every flush): not part of the snapshot.
# Not content: the content version and rate-limit counters start afresh in every test.
SNAPSHOT_SKIPS = {
    "contenttypes",
    "sessions",
    "admin",
    "auth.permission",
    "auth.group",
    "freshness",
    "accounts.ratecounter",
}


def _snapshot_models():
    from django.apps import apps
    from django.core import serializers
    from simple_history.models import HistoricalChanges

    ordered = serializers.sort_dependencies(
        [(config, None) for config in apps.get_app_configs()], allow_cycles=True
    )
    return [
        model
        for model in ordered
        if not model._meta.proxy
        and model._meta.app_label not in SNAPSHOT_SKIPS
        and model._meta.label_lower not in SNAPSHOT_SKIPS
        and not issubclass(model, HistoricalChanges)  # audit trail: no page shows it
    ]


def _dump():
    from django.core import serializers

    rows = (
        row
        for model in _snapshot_models()
        for row in model._base_manager.order_by(model._meta.pk.name)
    )
    return serializers.serialize("json", rows)


def _restore(data):
    """Write the dumped rows back in bulk (no signals: no audit rows, no per-row work), then
    move the PostgreSQL sequences past them so rows that tests create get fresh ids.
    Foreign keys are checked at commit, so the order inside the transaction is free."""
    from django.core import serializers
    from django.core.cache import cache
    from django.core.management.color import no_style
    from django.db import connection, transaction

    by_model = {}
    for row in serializers.deserialize("json", data):
        by_model.setdefault(type(row.object), []).append(row)
    with transaction.atomic():
        for model, rows in by_model.items():
            model._base_manager.bulk_create([row.object for row in rows])
            for name in rows[0].m2m_data:
                field = model._meta.get_field(name)
                through = field.remote_field.through
                source = through._meta.get_field(field.m2m_field_name()).attname
                target = through._meta.get_field(field.m2m_reverse_field_name()).attname
                through._base_manager.bulk_create(
                    [
                        through(**{source: row.object.pk, target: pk})
                        for row in rows
                        for pk in row.m2m_data[name]
                    ]
                )
        statements = connection.ops.sequence_reset_sql(no_style(), list(by_model))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
    # The content changed without the signals that start a new version: start one.
    from claimcheck import freshness

    freshness.bump_now()
    cache.clear()


def _publish_article():
    """One published article (the starter data has none) linked to exosome subjects and
    claims, with a Markdown body using the elements articles allow."""
    from django.utils import timezone

    from articles.models import Article
    from claimcheck.claims.models import Claim, ReviewerProfile, Source, Subject

    article = Article.objects.create(
        slug="exosomes-what-the-evidence-says",
        title="Exosomes: what the evidence says",
        summary="What is sold as an exosome, what the studies show, and what regulators say.",
        body=(
            "Exosomes are **tiny vesicles** that cells release. Products sold as exosomes "
            "rarely say where theirs come from.\n\n"
            "## What the studies show\n\n"
            "- One uncontrolled study of a serum, funded by its maker\n"
            "- Laboratory studies of cells\n\n"
            "| Question | Answer |\n|---|---|\n| Approved by the FDA? | No |\n\n"
            "Read the [FDA's advice](https://www.fda.gov/vaccines-blood-biologics/"
            "consumers-biologics/consumer-alert-regenerative-medicine-products-including-"
            "stem-cells-and-exosomes).\n"
        ),
        author_name="The editors",
        status=Article.Status.PUBLISHED,
        published_at=timezone.now(),
        reviewer=ReviewerProfile.objects.order_by("pk").first(),
    )
    article.subjects.set(Subject.objects.filter(slug__startswith="exosome"))
    article.claims.set(Claim.objects.published().filter(subject__slug__startswith="exosome"))
    article.references.set(Source.objects.order_by("pk")[:2])
    return article


class StarterSite:
    """The live server's address and the addresses of one page of each kind."""

    def __init__(self, base_url):
        from articles.models import Article
        from claimcheck.claims.models import Claim

        self.base_url = base_url
        claim = (
            Claim.objects.published()
            .filter(subject__slug="exosome-serums")
            .select_related("subject")
            .order_by("slug")
            .first()
        )
        assert claim is not None, "the starter data has no published exosome serum claim"
        self.claim = claim
        self.subject = claim.subject
        self.alternative = self.subject.alternatives.order_by("name").first()
        self.article = Article.objects.filter(status="published").order_by("slug").first()
        self.pages = {
            "home": "/",
            "search results": "/search/?q=exosome",
            "subject": self.subject.get_absolute_url(),
            "concern": "/concerns/anti-ageing/",
            "claim": claim.get_absolute_url(),
            "compare": f"/compare/?subjects={self.subject.slug},{self.alternative.slug}",
            "methodology": "/methodology/",
            "articles": "/articles/",
            "article": self.article.get_absolute_url(),
            "request form": "/requests/new/",
            "copy check form": "/check/",
        }

    def url(self, path):
        return self.base_url + path


@pytest.fixture
def starter_site(live_server, starter_snapshot):
    """The starter data plus one published article, served by the live server.

    live_server makes every test transactional, so the tables are emptied after each one.
    The first test loads the data through the real path (starter.load()) and keeps a copy
    of the rows; later tests write the copy back, which takes a fraction of the time.
    """
    if "rows" in starter_snapshot:
        _restore(starter_snapshot["rows"])
    else:
        from claimcheck.claims import starter

        starter.load()
        _publish_article()
        starter_snapshot["rows"] = _dump()
    return StarterSite(live_server.url)


def _watched_page(context):
    """A new page that fails the test at teardown if the console reported an error (a CSP
    refusal of an inline style or script shows up there)."""
    errors = []
    page = context.new_page()
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    if errors:
        pytest.fail("The browser console reported errors:\n" + "\n".join(errors), pytrace=False)


@pytest.fixture
def page(browser):
    """A desktop-sized page."""
    yield from _watched_page(browser.new_context(viewport={"width": 1280, "height": 800}))


@pytest.fixture
def phone_page(browser):
    """A page on a 360 px wide phone screen."""
    yield from _watched_page(
        browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    )
