"""The verdict and score readers see, stored on the claim (issue #7, scale).

The shown verdict is the reviewer's override when there is one, else the current rating's;
the shown score is the current rating's. Lists filter by the one and order by the other, and
with both on the claim row one index serves the filter and the order (claims_claim_shown_idx)
instead of an OR across the claim and rating tables. The services write them with the rating
and the override; this migration fills them for existing rows before the constraints apply.
"""

from django.db import migrations, models
from django.db.models import Case, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce


def no_statement_timeout(apps, schema_editor):
    """The 5 s statement timeout (settings.py) is for requests: filling and indexing every
    claim of a large catalogue takes longer. SET LOCAL ends with this migration's transaction."""
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("SET LOCAL statement_timeout = 0")


def fill_shown(apps, schema_editor):
    Claim = apps.get_model("claims", "Claim")
    Rating = apps.get_model("claims", "Rating")
    # order_by(): Rating's default ordering joins claims_claim inside the subquery under the
    # UPDATE's own table name, so "claims_claim"."current_rating_id" bound to the inner join
    # and every claim got one and the same rating (tests/test_migrations.py).
    rating = Rating.objects.filter(pk=OuterRef("current_rating_id")).order_by()
    Claim.objects.update(
        shown_verdict=Case(
            When(~Q(override_verdict=""), then=F("override_verdict")),
            default=Coalesce(Subquery(rating.values("verdict")[:1]), Value("")),
        ),
        shown_score=Subquery(rating.values("score")[:1]),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0006_history_for_concerns_and_reviewers"),
    ]

    operations = [
        migrations.RunPython(no_statement_timeout, no_statement_timeout, elidable=True),
        migrations.AddField(
            model_name="claim",
            name="shown_score",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="claim",
            name="shown_verdict",
            field=models.CharField(
                blank=True,
                choices=[
                    ("well_supported", "Well supported"),
                    ("some_evidence", "Some evidence"),
                    ("unproven", "Unproven"),
                    ("not_supported", "Not supported"),
                    ("caution", "Caution"),
                ],
                editable=False,
                max_length=20,
            ),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="shown_score",
            field=models.PositiveSmallIntegerField(blank=True, editable=False, null=True),
        ),
        migrations.AddField(
            model_name="historicalclaim",
            name="shown_verdict",
            field=models.CharField(
                blank=True,
                choices=[
                    ("well_supported", "Well supported"),
                    ("some_evidence", "Some evidence"),
                    ("unproven", "Unproven"),
                    ("not_supported", "Not supported"),
                    ("caution", "Caution"),
                ],
                editable=False,
                max_length=20,
            ),
        ),
        migrations.RunPython(fill_shown, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                fields=["status", "shown_verdict", "-shown_score", "-id"],
                name="claims_claim_shown_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                fields=["status", "-shown_score", "-id"], name="claims_claim_score_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("shown_verdict", ""),
                    (
                        "shown_verdict__in",
                        ["well_supported", "some_evidence", "unproven", "not_supported", "caution"],
                    ),
                    _connector="OR",
                ),
                name="claims_claim_shown_verdict_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("override_verdict", ""),
                    ("shown_verdict", models.F("override_verdict")),
                    _connector="OR",
                ),
                name="claims_claim_shown_is_override",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("shown_score__isnull", True),
                    models.Q(("shown_score__gte", 0), ("shown_score__lte", 100)),
                    _connector="OR",
                ),
                name="claims_claim_shown_score_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="claim",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("status", "published"), _negated=True),
                    models.Q(
                        models.Q(("shown_verdict", ""), _negated=True),
                        ("shown_score__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="claims_claim_published_is_shown",
            ),
        ),
    ]
