"""Atom feed of new and changed verdicts, and the sitemap."""

from typing import NamedTuple
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from claimcheck.claims import selectors
from claimcheck.rubric import tables


class FeedSite(NamedTuple):
    authority: str
    about: str


class VerdictFeed(Feed):
    """Atom (RFC 4287): every entry has an IRI id (a tag URI, RFC 4151, that never changes),
    and the feed an author, so strict validators accept it."""

    feed_type = Atom1Feed
    title = "ClaimCheck: new and changed verdicts"
    subtitle = "Skincare and aesthetics claims, rated from the evidence."
    author_name = "ClaimCheck"

    def get_object(self, request, *args, **kwargs):
        """What the feed needs of the request: the tag URIs' authority, the site's own host
        (SITE_URL, else the host asked for), so an entry keeps its id whichever of the
        install's addresses a reader uses; and the about page as an absolute IRI (Django
        leaves an author's link as given)."""
        origin = urlsplit(settings.SITE_URL).hostname if settings.SITE_URL else None
        return FeedSite(
            authority=origin or split_domain_port(request.get_host())[0],
            about=request.build_absolute_uri(reverse("web:about")),
        )

    def link(self):
        return reverse("web:home")

    def author_link(self, site):
        return site.about

    def items(self, site):
        changes = selectors.feed_changes()
        for change in changes:
            change.tag_authority = site.authority
        return changes

    def item_title(self, change):
        label = tables.VERDICT_LABELS.get(change.new_verdict, change.get_kind_display())
        return f"{change.claim.text}: {label}"

    def item_description(self, change):
        # The reason already says what happened ("Published after review by ..."); the kind
        # is added only where it does not.
        kind = change.get_kind_display()
        if change.reason.lower().startswith(kind.lower()):
            return change.reason
        return f"{kind}: {change.reason}"

    def item_link(self, change):
        return change.claim.get_absolute_url()

    def item_guid(self, change):
        day = f"{change.changed_at:%Y-%m-%d}"
        return f"tag:{change.tag_authority},{day}:verdict-change/{change.pk}"

    item_guid_is_permalink = False

    def item_pubdate(self, change):
        return change.changed_at

    def item_updateddate(self, change):
        return change.changed_at


class ClaimSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return selectors.sitemap_claims()

    def lastmod(self, claim):
        return claim.updated_at


class SubjectSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return selectors.sitemap_subjects()

    def lastmod(self, subject):
        return subject.updated_at


class ConcernSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return selectors.sitemap_concerns()


class StaticSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return [
            "web:home",
            "web:methodology",
            "web:about",
            "web:corrections",
            "web:open-data",
            "web:developers",
        ]

    def location(self, name):
        return reverse(name)
