"""The starter article: loaded by load_starter_data through the services, published under the
starter reviewer with its references, links and body; a rerun writes nothing; a broken file
stops the load with its name and writes nothing."""

import shutil

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from articles import starter
from articles.models import Article

pytestmark = pytest.mark.django_db

SLUG = "exosome-facials-and-serums"


def test_command_loads_claims_then_articles_and_reports_both(db, capsys):
    call_command("load_starter_data")
    out = capsys.readouterr().out
    assert "claim(s) published" in out
    assert "Starter articles: 3 file(s); 3 written, 3 published." in out
    assert Article.objects.get(slug=SLUG).status == Article.Status.PUBLISHED


@pytest.fixture
def broken_articles(tmp_path):
    target = tmp_path / "articles"
    shutil.copytree(starter.DATA_DIR, target)
    return target


def test_unknown_reference_names_the_file_and_writes_nothing(db, broken_articles):
    path = broken_articles / f"{SLUG}.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace('pmid: "35689936"', 'pmid: "99999999"'),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=rf"{SLUG}\.md: no source with pmid '99999999'"):
        call_command("load_starter_data", articles_dir=str(broken_articles))
    assert not Article.objects.exists()
    from claimcheck.claims.models import Claim

    assert not Claim.objects.exists()  # the claims' data is rolled back with it


def test_missing_front_matter_field_names_the_file(db, broken_articles):
    path = broken_articles / f"{SLUG}.md"
    path.write_text(
        path.read_text(encoding="utf-8").replace("reviewer: claimcheck-editorial\n", ""),
        encoding="utf-8",
    )
    with pytest.raises(starter.StarterDataError, match="missing required field 'reviewer'"):
        starter.read(broken_articles)


@pytest.mark.usefixtures("starter_catalogue")
class TestOnTheStarterData:
    """One load of the starter data for these tests; each still runs in its own savepoint."""

    def test_starter_article_is_published_with_its_reviewer_references_and_links(
        self, client, starter_catalogue, settings
    ):
        """One load of the starter data (it takes seconds) for the record and its page."""
        article = Article.objects.get(slug=SLUG)
        assert article.title == "Exosome facials and serums: what the evidence says"
        assert article.status == Article.Status.PUBLISHED
        assert article.author_name == "ClaimCheck editorial team"
        assert article.reviewer.slug == "claimcheck-editorial" and article.reviewer.provisional
        assert article.published_at and article.reviewed_at
        assert 700 <= len(article.body.split()) <= 1100
        references = list(article.references.all())
        assert len(references) == 26
        assert {"23-649343", "CBER 25-700749", "CBER 25-705090", "CBER 25-711102"} <= {
            s.fda_reference for s in references
        }
        assert "35689936" in {s.pmid for s in references}
        assert {"exosome-serums", "skinpen-microneedling", "tretinoin"} <= set(
            article.subjects.values_list("slug", flat=True)
        )
        assert article.claims.filter(status="published").count() == article.claims.count() == 16
        first = article.history.earliest("history_date")
        assert first.history_user.username == settings.SYSTEM_USERNAME

        body = client.get(f"/articles/{SLUG}/").content.decode()
        # The starter reviewer is the editorial team's placeholder: said plainly, never "medically".
        assert "not yet reviewed by a clinician" in body and "Medically reviewed" not in body
        assert "Public safety notification on exosome products" in body
        assert "<h2>What the FDA has said</h2>" in body
        assert "/claims/exosome-serums-stimulate-collagen/" in body

    def test_second_load_writes_nothing(self, starter_catalogue):
        before = starter.counts()
        report = starter.load()
        assert starter.counts() == before
        assert (report.articles_written, report.articles_published) == (0, 0)

    def test_a_retracted_starter_article_stays_retracted_on_reload(
        self, starter_catalogue, system_user
    ):
        from articles import services

        article = Article.objects.get(slug=SLUG)
        services.article_retract(article=article, by=system_user, reason="Under correction.")
        report = starter.load()
        assert Article.objects.get(slug=SLUG).status == Article.Status.RETRACTED
        assert report.articles_published == 0

    def test_explainers_link_the_published_claims_they_discuss(self, starter_catalogue, client):
        """Issue 16: the hair-loss and pigment explainers, and the exosome article, each link the
        claims they discuss, every one of them published, and their pages show the verdicts."""
        expected = {
            "hair-loss-what-works": {
                "topical-minoxidil-regrows-hair",
                "exosomes-regrow-hair",
                "prp-injections-regrow-hair",
                "oral-minoxidil-has-no-side-effects",
            },
            "dark-spots-and-melasma": {
                "triple-cream-clears-melasma",
                "mercury-creams-lighten-skin",
                "niacinamide-fades-dark-spots",
                "tranexamic-acid-injections-fade-melasma",
            },
            SLUG: {
                "exosome-serums-stimulate-collagen",
                "exosomes-regrow-hair",
                "exosome-products-are-fda-approved",
            },
        }
        for slug, some_claims in expected.items():
            article = Article.objects.get(slug=slug)
            linked = set(article.claims.values_list("slug", flat=True))
            assert some_claims <= linked, slug
            assert set(article.claims.values_list("status", flat=True)) == {"published"}, slug
            assert article.status == Article.Status.PUBLISHED
            page = client.get(f"/articles/{slug}/")
            assert page.status_code == 200
            for claim in article.claims.all():
                assert claim.get_absolute_url() in page.content.decode(), (slug, claim.slug)
