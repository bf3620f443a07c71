import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from claimcheck.claims import services
from claimcheck.watch import services as watch_services
from tests.factories import (
    ClaimFactory,
    EvidenceLinkFactory,
    ReviewerFactory,
    SourceFactory,
    SubjectFactory,
)

from .provider_server import ProviderServer


@pytest.fixture
def provider(settings):
    """The local provider server, with every connector pointed at it and the client's waits
    made tiny: no pacing, 10 ms backoff, a 0.3 s read timeout, two retries."""
    server = ProviderServer().start()
    settings.WATCH_PUBMED_URL = server.url + "/eutils"
    settings.WATCH_CROSSREF_URL = server.url + "/crossref"
    settings.WATCH_CLINICALTRIALS_URL = server.url + "/ctgov/api/v2"
    settings.WATCH_OPENFDA_URL = server.url + "/openfda"
    settings.WATCH_FDA_FEEDS = [server.url + "/fda/press/rss.xml"]
    settings.WATCH_MIN_INTERVAL = 0
    settings.WATCH_BACKOFF = 0.01
    settings.WATCH_MAX_RETRY_WAIT = 2
    settings.WATCH_CONNECT_TIMEOUT = 1
    settings.WATCH_READ_TIMEOUT = 0.3
    settings.WATCH_RETRIES = 2
    settings.WATCH_CONTACT_EMAIL = "watch@claimcheck.example.org"
    settings.WATCH_SOURCES = []
    yield server
    server.stop()


@pytest.fixture
def reviewer(db):
    """A reviewer's staff account (Reviewer group)."""
    return ReviewerFactory().user


@pytest.fixture
def editor(db):
    """An editor's staff account (Editor group: may read findings, not decide them)."""
    user = get_user_model().objects.create_user(
        username="editor-account", password="x" * 16, is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def publish(claim, by):
    claim = services.claim_submit_for_review(claim=claim, by=by)
    return services.claim_publish(claim=claim, by=by, reviewer=ReviewerFactory())


@pytest.fixture
def catalogue(system_user):
    """Obviously fake identifiers (PMIDs 99000001-2, DOI prefix 10.99999, NCT99000001,
    K999001): two published claims cite the first study, a draft cites it too, and a third
    published claim about another subject cites only the trial registration."""
    subject = SubjectFactory(name="Exotest serum", aliases=["exotest"])
    study = SourceFactory(pmid="99000001", doi="10.99999/fake.1", participants=150)
    other = SourceFactory(pmid="99000002", participants=90)
    trial = SourceFactory(
        pmid="", nct="NCT99000001", kind="registration", design="rct", participants=40
    )
    device = SourceFactory(pmid="", fda_number="K999001", kind="regulatory", participants=None)
    first = ClaimFactory(subject=subject)
    EvidenceLinkFactory(claim=first, source=study)
    EvidenceLinkFactory(claim=first, source=other, direction="mixed")
    second = ClaimFactory(subject=subject)
    EvidenceLinkFactory(claim=second, source=study)
    draft = ClaimFactory(subject=subject)
    EvidenceLinkFactory(claim=draft, source=study)
    unrelated = ClaimFactory()
    EvidenceLinkFactory(claim=unrelated, source=trial)
    EvidenceLinkFactory(claim=unrelated, source=device)
    return {
        "subject": subject,
        "study": study,
        "other": other,
        "trial": trial,
        "device": device,
        "first": publish(first, system_user),
        "second": publish(second, system_user),
        "draft": draft,
        "unrelated": publish(unrelated, system_user),
    }


def record_retraction(source):
    """(finding, created) for "PMID 99000001 was retracted", as the PubMed connector records it."""
    return watch_services.finding_record(
        provider="pubmed",
        kind="retracted",
        title="PMID 99000001 was retracted",
        external_id="PMID:99000001",
        url="https://pubmed.ncbi.nlm.nih.gov/99000001/",
        source=source,
        key="pubtype",
    )


@pytest.fixture
def retraction(catalogue):
    """An open finding: the catalogue's study retracted."""
    finding, created = record_retraction(catalogue["study"])
    assert created
    return finding
