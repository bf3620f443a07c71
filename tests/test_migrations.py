"""Data migrations run forward over rows that existed before them: the database is taken
back to the migration's parent, rows are written with that state's models, and the
migration is applied (django's MigrationExecutor). Afterwards every app is migrated to its
latest state again, so the tests after these see the usual schema."""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

NOW = datetime.datetime(2025, 6, 1, 12, 0, tzinfo=datetime.UTC)


def migrate(*targets):
    """Migrate to `targets` and return the models as they are there."""
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets))
    return executor.loader.project_state(list(targets)).apps


@pytest.fixture
def back_to_latest():
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def _rating(apps, claim, verdict, score):
    return apps.get_model("claims", "Rating").objects.create(
        claim=claim,
        created_at=NOW,
        rubric_version="1.0",
        inputs_json="{}",
        inputs_sha256="0" * 64,
        r_code="R4",
        r_points=0,
        e_level="E2",
        e_direction="supports",
        e_points=10,
        t_points=5,
        independent_concordant=1,
        composite=score,
        verdict=verdict,
        verdict_rule=1,
        score=score,
        grade="B",
        claimreview_rating=4,
    )


def _claim(apps, subject, slug, **fields):
    return apps.get_model("claims", "Claim").objects.create(
        subject=subject,
        slug=slug,
        text=f"{subject.name} {slug}",
        route="topical_intact",
        claim_type="appearance",
        outcome="fine lines",
        regulatory_code="R4",
        **fields,
    )


def test_0007_fills_the_shown_verdict_and_score_of_existing_claims(back_to_latest):
    before = migrate(("claims", "0006_history_for_concerns_and_reviewers"))
    Subject = before.get_model("claims", "Subject")
    Claim = before.get_model("claims", "Claim")
    subject = Subject.objects.create(
        kind="ingredient_class", name="Retinol", slug="retinol", source_origin="synthetic"
    )

    rated, overridden = _claim(before, subject, "rated"), _claim(before, subject, "overridden")
    _claim(before, subject, "unrated")
    for row, verdict, score in [(rated, "some_evidence", 61), (overridden, "unproven", 40)]:
        row.current_rating = _rating(before, row, verdict, score)
        row.save(update_fields=["current_rating"])
    Claim.objects.filter(pk=overridden.pk).update(
        override_verdict="caution", override_reason="An FDA warning the rubric predates."
    )

    after = migrate(("claims", "0007_claim_shown_verdict"))
    shown = {
        c.slug: (c.shown_verdict, c.shown_score)
        for c in after.get_model("claims", "Claim").objects.all()
    }
    assert shown == {
        "rated": ("some_evidence", 61),  # the current rating's
        "overridden": ("caution", 40),  # the override's verdict, the rating's score
        "unrated": ("", None),
    }


def test_articles_0004_dates_old_reviews_and_gives_old_retractions_a_reason(back_to_latest):
    before = migrate(("articles", "0003_article_permissions"))
    Article = before.get_model("articles", "Article")
    reviewer = before.get_model("claims", "ReviewerProfile").objects.create(
        name="Dr Ada", slug="dr-ada", credentials="MD"
    )

    def article(slug, **fields):
        return Article.objects.create(
            slug=slug,
            title=slug.title(),
            summary="A summary.",
            body="Body.",
            reviewer=reviewer,
            **fields,
        )

    article("published", status="published", published_at=NOW)
    article("retracted", status="retracted", published_at=NOW)
    article("draft", status="draft")

    after = migrate(("articles", "0004_article_workflow_fields"))
    rows = {a.slug: a for a in after.get_model("articles", "Article").objects.all()}
    assert rows["published"].reviewed_at == NOW  # reviewed when it was published
    assert rows["retracted"].retracted_at is not None
    assert rows["retracted"].retraction_reason == (
        "Retracted before retraction reasons were recorded."
    )
    assert rows["draft"].reviewed_at is None and rows["draft"].retraction_reason == ""


def test_0012_repairs_claims_that_the_first_0007_gave_one_shared_rating(back_to_latest):
    """The first 0007 wrote one rating's verdict and score on every claim; 0012 writes each
    claim's own again (and leaves a claim without a rating showing nothing)."""
    before = migrate(("claims", "0011_check_request_notify_email"))
    Subject = before.get_model("claims", "Subject")
    Claim = before.get_model("claims", "Claim")
    subject = Subject.objects.create(
        kind="ingredient_class", name="Niacinamide", slug="niacinamide", source_origin="synthetic"
    )
    claims = {}
    for slug, verdict, score in [("a", "well_supported", 88), ("b", "unproven", 30)]:
        row = _claim(before, subject, slug)
        row.current_rating = _rating(before, row, verdict, score)
        row.save(update_fields=["current_rating"])
        claims[slug] = row
    # What the first 0007 left behind: the same (wrong) values on every claim.
    Claim.objects.update(shown_verdict="caution", shown_score=12)

    after = migrate(("claims", "0012_repair_shown_verdict"))
    shown = {
        c.slug: (c.shown_verdict, c.shown_score)
        for c in after.get_model("claims", "Claim").objects.all()
    }
    assert shown == {"a": ("well_supported", 88), "b": ("unproven", 30)}


def test_0002_keeps_existing_ratings_and_refuses_to_change_them_from_then_on(back_to_latest):
    """The immutability trigger arrives on a table that already has ratings: they stay as
    they were, and from then on no UPDATE reaches them, raw SQL included."""
    before = migrate(("claims", "0001_initial"))
    subject = before.get_model("claims", "Subject").objects.create(
        kind="ingredient_class", name="Retinol", slug="retinol", source_origin="synthetic"
    )
    claim = _claim(before, subject, "older")
    rating = _rating(before, claim, "some_evidence", 61)
    # Before 0002 nothing stopped an edit (which is why the trigger was added).
    before.get_model("claims", "Rating").objects.filter(pk=rating.pk).update(score=62)

    after = migrate(("claims", "0002_rating_immutable_trigger"))
    Rating = after.get_model("claims", "Rating")
    assert list(Rating.objects.values_list("pk", "verdict", "score")) == [
        (rating.pk, "some_evidence", 62)
    ]
    with pytest.raises(DatabaseError, match="immutable"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("UPDATE claims_rating SET score = 99 WHERE id = %s", [rating.pk])
    assert Rating.objects.get(pk=rating.pk).score == 62
    # Deleting (the claim's cascade in tests and data fixes) is still allowed.
    Rating.objects.filter(pk=rating.pk).delete()
    assert not Rating.objects.exists()


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="stored search documents are PostgreSQL's; on SQLite 0008 does nothing",
)
def test_0008_gives_existing_rows_their_stored_search_documents(back_to_latest):
    """The generated columns are added to tables that already hold subjects, claims and
    articles: PostgreSQL computes each existing row's document, so search finds rows written
    before the migration, and 0004's expression indexes make way for the column's."""
    before = migrate(
        ("claims", "0007_claim_shown_verdict"), ("articles", "0004_article_workflow_fields")
    )
    subject = before.get_model("claims", "Subject").objects.create(
        kind="ingredient_class",
        name="Bakuchiol",
        slug="bakuchiol",
        source_origin="plant",
        summary="A plant extract sold as a gentle retinol alternative.",
    )
    _claim(before, subject, "smooths", conclusion_summary="Small trials on wrinkles.")
    reviewer = before.get_model("claims", "ReviewerProfile").objects.create(
        name="Dr Ada", slug="dr-ada", credentials="MD"
    )
    before.get_model("articles", "Article").objects.create(
        slug="plant-retinol",
        title="Is bakuchiol a plant retinol?",
        summary="What the trials compared.",
        body="Body.",
        reviewer=reviewer,
    )

    migrate(("claims", "0008_search_documents"))
    found = {}
    with connection.cursor() as cursor:
        for table, word in [
            ("claims_subject", "bakuchiol"),
            ("claims_claim", "wrinkles"),
            ("articles_article", "bakuchiol"),
        ]:
            cursor.execute(
                f"SELECT slug FROM {table} WHERE search_doc @@ plainto_tsquery('english', %s)",  # noqa: S608 (our table names)
                [word],
            )
            found[table] = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%search_doc"])
        new_indexes = {row[0] for row in cursor.fetchall()}
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE %s", ["%search_gin"])
        old_indexes = {row[0] for row in cursor.fetchall()}
    assert found == {
        "claims_subject": ["bakuchiol"],
        "claims_claim": ["smooths"],
        "articles_article": ["plant-retinol"],
    }
    assert new_indexes == {
        "claims_subject_search_doc",
        "claims_claim_search_doc",
        "articles_article_search_doc",
    }
    assert old_indexes == set()


def test_accounts_0002_gives_existing_staff_groups_exactly_their_roles(back_to_latest):
    """The roles arrive on a database that already has staff and groups: an Editor group made
    by hand gets exactly the listed permissions, a Reviewer group is created, a group of the
    site's own and the staff's memberships are left alone."""
    from claimcheck.claims import roles

    before = migrate(
        ("accounts", "0001_initial"),
        ("claims", "0005_workflow_permissions"),
        ("articles", "0003_article_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    )
    Group = before.get_model("auth", "Group")
    Permission = before.get_model("auth", "Permission")
    User = before.get_model("auth", "User")
    # Permissions exist only after a migrate command's post_migrate: make the ones used here.
    content_type = before.get_model("contenttypes", "ContentType").objects.get_or_create(
        app_label="claims", model="claim"
    )[0]
    delete_claim = Permission.objects.get_or_create(
        content_type=content_type, codename="delete_claim", defaults={"name": "Can delete claim"}
    )[0]
    editor = Group.objects.create(name=roles.EDITOR)
    editor.permissions.add(delete_claim)  # more than an editor may do
    press = Group.objects.create(name="Press office")
    press.permissions.add(delete_claim)
    user = User.objects.create(username="curator", is_staff=True)
    user.groups.add(editor, press)

    after = migrate(("accounts", "0002_staff_roles"))
    groups = {
        g.name: {(p.content_type.app_label, p.codename) for p in g.permissions.all()}
        for g in after.get_model("auth", "Group").objects.prefetch_related(
            "permissions__content_type"
        )
    }
    assert groups[roles.EDITOR] == set(roles.GROUPS[roles.EDITOR])
    assert groups[roles.REVIEWER] == set(roles.GROUPS[roles.REVIEWER])
    assert groups["Press office"] == {("claims", "delete_claim")}
    member_of = after.get_model("auth", "User").objects.get(username="curator").groups
    assert set(member_of.values_list("name", flat=True)) == {roles.EDITOR, "Press office"}
