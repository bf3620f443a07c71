"""FDA warning letters and safety communications: items of FDA's RSS listings that name a
watched subject (its name or an alias, as a whole word).

What the provider documents: FDA publishes its press announcements, MedWatch safety alerts and
other listings as RSS 2.0 feeds (the "RSS Feeds" page under About FDA, Stay Informed); each
`<channel>` holds `<item>`s with `<title>`, `<link>`, `<description>`, `<pubDate>` and
usually `<guid>`. No rate limit is published for fda.gov pages; we fetch each configured
feed once a run, one second apart. The feeds are listed in WATCH_FDA_FEEDS (see
.env.example); an item whose title or description says "warning letter" is a warning-letter
finding, any other matching item a safety-communication finding. Accepting one changes
nothing by itself: staff add the safety signal on the signal form.
"""

import xml.etree.ElementTree as ET  # noqa: S405 (feeds with a DTD are refused before parsing)

from django.conf import settings

from ..client import ProviderError
from . import Connector, Seen, mentions, subject_terms, watched_subjects


def fetch_items(client, url):
    """[{"title", "link", "description", "guid", "date"}] of one RSS feed."""
    text = client.get_text(url)
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        # RSS needs neither; refusing them rules out entity-expansion attacks in the parser.
        raise ProviderError(f"refused a feed with a DTD or entities from {url}")
    try:
        root = ET.fromstring(text)  # noqa: S314 (no DTD or entity can reach it: refused above)
    except ET.ParseError as error:
        raise ProviderError(f"not RSS from {url}: {error}") from error
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise ProviderError(f"not an RSS 2.0 feed at {url}")
    items = []
    for item in channel.findall("item"):

        def text_of(name, item=item):
            return (item.findtext(name) or "").strip()

        items.append(
            {
                "title": text_of("title"),
                "link": text_of("link"),
                "description": text_of("description"),
                "guid": text_of("guid") or text_of("link"),
                "date": text_of("pubDate"),
            }
        )
    return items


class FDALetters(Connector):
    name = "fdaletters"
    url_setting = ""  # each feed is a full URL (WATCH_FDA_FEEDS)
    min_interval = 1.0

    def units(self):
        return list(settings.WATCH_FDA_FEEDS)

    def run(self, client):
        self._subjects = [(s, subject_terms(s)) for s in watched_subjects()]
        return super().run(client)

    def check(self, client, url, report):
        for item in fetch_items(client, url):
            text = f"{item['title']} {item['description']}"
            letter = "warning letter" in text.lower()
            for subject, terms in self._subjects:
                term = mentions(text, terms)
                if term is None:
                    continue
                report.found(
                    Seen(
                        kind="warning_letter" if letter else "safety_notice",
                        title=f"{item['title'][:400]} (names {term})",
                        detail=f"{item['date']}. {item['description'][:1000]}",
                        external_id=item["guid"][:300],
                        url=item["link"][:500],
                        subject=subject,
                    )
                )
