from django.db import models


class ContentVersion(models.Model):
    """The content version of an install that has no Redis: one row (id 1), shared by every
    process through the database (freshness.current). `value` is nanoseconds since the epoch
    of the last public change, so it also serves as Last-Modified; it only ever grows."""

    value = models.BigIntegerField(editable=False)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(id=1), name="freshness_contentversion_single_row"
            ),
        ]

    def __str__(self):
        return f"content version {self.value:x}"
