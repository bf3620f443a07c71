"""Editorial explainers ("Exosomes: what the evidence says") linked to subjects and claims."""

import markdown
import nh3
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.safestring import mark_safe
from simple_history.models import HistoricalRecords

from claimcheck.claims.models import Claim, ReviewerProfile, Subject


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        PUBLISHED = "published", "Published"
        RETRACTED = "retracted", "Retracted"

    slug = models.SlugField(max_length=150, unique=True)
    title = models.CharField(max_length=200)
    # The standfirst. The column keeps its first name, `summary`, because API v1 publishes it
    # under that name; staff see it as "Standfirst".
    summary = models.CharField(
        "standfirst",
        max_length=300,
        help_text="One or two sentences under the title saying what the article finds. "
        "Shown on the article page, in lists and in search results.",
    )
    body = models.TextField(
        help_text="Markdown. Links, lists, tables and emphasis are kept; any HTML is sanitised."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The staff account that wrote the article (not shown publicly).",
    )
    author_name = models.CharField(
        "byline", max_length=200, help_text="The author as shown on the article page."
    )
    reviewer = models.ForeignKey(
        ReviewerProfile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        editable=False,
        verbose_name="medical reviewer",
        help_text="Set by the publish action: the reviewer who signed the article off.",
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default="draft", editable=False
    )
    # Set once, by the first publication; a re-publication after a retraction keeps it.
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    # When the medical reviewer last signed the article off (each publication).
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    retracted_at = models.DateTimeField(null=True, blank=True, editable=False)
    retraction_reason = models.TextField(
        blank=True, editable=False, help_text="Why the article was retracted; shown publicly."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    subjects = models.ManyToManyField(Subject, blank=True, related_name="articles")
    claims = models.ManyToManyField(Claim, blank=True, related_name="articles")
    references = models.ManyToManyField("claims.Source", blank=True, related_name="articles")
    history = HistoricalRecords(m2m_fields=[subjects, claims, references])

    class Meta:
        ordering = ["-published_at", "title"]
        permissions = [("publish_article", "Can publish and retract articles")]
        indexes = [
            # Articles list: published, newest first.
            models.Index(fields=["status", "-published_at"], name="articles_status_pub_idx"),
            # Articles list: the retractions notice, newest retraction first.
            models.Index(fields=["status", "-retracted_at"], name="articles_status_retr_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review", "published", "retracted"]),
                name="articles_article_status_valid",
            ),
            # A retraction is public only with its reason and date.
            models.CheckConstraint(
                condition=~Q(status="retracted")
                | (Q(retracted_at__isnull=False) & ~Q(retraction_reason="")),
                name="articles_article_retraction_is_explained",
            ),
            models.CheckConstraint(
                condition=~Q(status="published")
                | Q(published_at__isnull=False, reviewer__isnull=False),
                name="articles_article_published_is_complete",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("articles:detail", kwargs={"slug": self.slug})

    def body_html(self):
        """The body's Markdown as HTML, sanitised: staff text never carries script or style."""
        html = markdown.markdown(self.body, extensions=["extra"], output_format="html")
        clean = nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes={"a": {"href", "title"}, "abbr": {"title"}},
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener nofollow",
        )
        return mark_safe(clean)  # noqa: S308 - sanitised by nh3 with an allow-list just above


ALLOWED_TAGS = {
    "p",
    "a",
    "em",
    "strong",
    "ul",
    "ol",
    "li",
    "blockquote",
    "h2",
    "h3",
    "h4",
    "code",
    "pre",
    "abbr",
    "br",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "sup",
    "sub",
}
