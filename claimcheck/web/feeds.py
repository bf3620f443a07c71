"""Atom feed of new and changed verdicts, and the sitemap."""

from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from claimcheck.claims import selectors
from claimcheck.rubric import tables


class VerdictFeed(Feed):
    feed_type = Atom1Feed
    title = "ClaimCheck: new and changed verdicts"
    subtitle = "Skincare and aesthetics claims, rated from the evidence."

    def link(self):
        return reverse("web:home")

    def items(self):
        return selectors.feed_changes()

    def item_title(self, change):
        label = tables.VERDICT_LABELS.get(change.new_verdict, change.get_kind_display())
        return f"{change.claim.text}: {label}"

    def item_description(self, change):
        return f"{change.get_kind_display()}. {change.reason}"

    def item_link(self, change):
        return change.claim.get_absolute_url()

    def item_guid(self, change):
        return f"verdict-change-{change.pk}"

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


class StaticSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return ["web:home", "web:methodology", "web:about", "web:corrections", "web:open-data"]

    def location(self, name):
        return reverse(name)
