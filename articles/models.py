"""Editorial explainers ("Exosomes: what the evidence says") linked to subjects and claims."""

from django.conf import settings
from django.db import models
from django.db.models import Q
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
    summary = models.CharField(max_length=300)
    body = models.TextField(help_text="Plain text; paragraphs separated by blank lines.")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    author_name = models.CharField(max_length=200)
    reviewer = models.ForeignKey(
        ReviewerProfile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
        editable=False,
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default="draft", editable=False
    )
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(auto_now=True)
    subjects = models.ManyToManyField(Subject, blank=True, related_name="articles")
    claims = models.ManyToManyField(Claim, blank=True, related_name="articles")
    references = models.ManyToManyField("claims.Source", blank=True, related_name="articles")
    history = HistoricalRecords(m2m_fields=[subjects, claims, references])

    class Meta:
        ordering = ["-published_at", "title"]
        indexes = [
            # Articles list: published, newest first.
            models.Index(fields=["status", "-published_at"], name="articles_status_pub_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="published")
                | Q(published_at__isnull=False, reviewer__isnull=False),
                name="articles_article_published_is_complete",
            ),
        ]

    def __str__(self):
        return self.title
