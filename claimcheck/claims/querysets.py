"""Reusable filters for claims and subjects."""

from django.db import models


class ClaimQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status="published")

    def with_rating(self):
        return self.select_related("subject", "current_rating", "reviewer")


class RatingQuerySet(models.QuerySet):
    """Ratings are immutable, so bulk updates are refused like single saves."""

    def update(self, **kwargs):
        raise ValueError("Ratings are immutable: write a new rating instead.")
