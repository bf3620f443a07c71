"""The connectors, one module per provider, each off unless named in WATCH_SOURCES.

A connector reads the identifiers the catalogue stores (or the subjects' names), asks its
provider in batches through one paced, retrying `Client`, and reports what it saw as
`Seen` records; jobs.watch_run turns them into findings (services.finding_record). Each
module's `fetch_*` functions take a client and identifiers and touch no database, so the
benchmark can time them against a local server.
"""

import dataclasses
import re

from django.conf import settings

from ..client import Client, ProviderError


@dataclasses.dataclass
class Seen:
    """One thing a provider said that staff should decide on."""

    kind: str
    title: str
    external_id: str
    url: str = ""
    detail: str = ""
    source: object = None
    subject: object = None
    key: str = ""  # what distinguishes two observations of the same item (an update's DOI)


class Report:
    """What one connector's run collected: findings, failed units, requests."""

    def __init__(self):
        self.seen = []
        self.errors = []
        self.units = 0  # units asked for
        self.failures = 0  # of those, units that failed

    def found(self, seen):
        self.seen.append(seen)

    def add(self, notices, *, external_id, url, source=None, subject=None):
        """Record [(kind, key, title, detail)] about one identifier."""
        for kind, key, title, detail in notices:
            self.found(Seen(kind, title, external_id, url, detail, source, subject, key))

    def failed(self, error):
        self.failures += 1
        self.errors.append(str(error))


class Connector:
    """Subclasses set `name`, `url_setting` and `min_interval` and implement `units()` (the
    batches to ask for, read from the database) and `check(client, unit, report)`."""

    name = ""
    url_setting = ""
    min_interval = 1.0  # seconds between requests (the provider's published limit)

    def client(self):
        return Client(
            provider=self.name,
            base_url=getattr(settings, self.url_setting) if self.url_setting else "",
            min_interval=self.min_interval,
            params=self.params(),
        )

    def params(self):
        return {}

    def units(self):
        raise NotImplementedError

    def check(self, client, unit, report):
        raise NotImplementedError

    def run(self, client):
        """Every unit, each failure recorded against its unit so the others still run."""
        report = Report()
        for unit in self.units():
            report.units += 1
            try:
                self.check(client, unit, report)
            except ProviderError as error:
                report.failed(error)
                if error.rate_limited:
                    report.errors.append("stopped: the rate limit is reached; the rest waits")
                    break
            except (KeyError, TypeError, ValueError, AttributeError) as error:
                report.failed(
                    f"answer not in the documented format: {type(error).__name__} {error}"
                )
        return report


def batches(items, size):
    items = list(items)
    return [items[i : i + size] for i in range(0, len(items), size)]


def subject_terms(subject):
    """The names a listing must mention for a subject: its name and aliases (three letters or
    more, so "PRP" counts and "EV" does not), lower-cased and distinct."""
    names = [subject.name, *(subject.aliases or [])]
    seen = []
    for name in names:
        term = name.strip().lower()
        if len(term) >= 3 and term not in seen:
            seen.append(term)
    return seen


def mentions(text, terms):
    """The first term that `text` contains as a whole word (case-insensitive), or None."""
    lowered = (text or "").lower()
    for term in terms:
        if re.search(r"(?<!\w)" + re.escape(term) + r"(?!\w)", lowered):
            return term
    return None


def watched_subjects():
    """Subjects with at least one published claim: the ones a reader can see."""
    from claimcheck.claims.models import Subject

    return list(Subject.objects.filter(claims__status="published").distinct().order_by("slug"))


def registry():
    """Connector classes by name, in the order a full run takes them."""
    from . import clinicaltrials, crossref, fdaletters, openfda, pubmed

    return {
        c.name: c
        for c in (
            pubmed.PubMed,
            pubmed.PubMedReviews,
            crossref.Crossref,
            clinicaltrials.ClinicalTrials,
            openfda.OpenFDA,
            fdaletters.FDALetters,
        )
    }
