"""factory_boy factories for test setup. Behaviour under test goes through the services."""

import factory

from claimcheck.claims import models


class ReviewerAccountFactory(factory.django.DjangoModelFactory):
    """A staff account in the Reviewer group: the account a reviewer profile signs with."""

    class Meta:
        model = "auth.User"
        skip_postgeneration_save = True  # the hook adds a group; the row needs no second save

    username = factory.Sequence(lambda n: f"reviewer-account-{n}")
    is_staff = True

    @factory.post_generation
    def reviewer_group(self, create, extracted, **kwargs):
        if create:
            from django.contrib.auth.models import Group

            self.groups.add(Group.objects.get(name="Reviewer"))


class ReviewerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.ReviewerProfile

    user = factory.SubFactory(ReviewerAccountFactory)
    slug = factory.Sequence(lambda n: f"reviewer-{n}")
    name = factory.Sequence(lambda n: f"Reviewer {n}")
    credentials = "MD, dermatologist"


class SubjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Subject

    kind = "ingredient_class"
    name = factory.Sequence(lambda n: f"Ingredient {n}")
    slug = factory.Sequence(lambda n: f"ingredient-{n}")
    source_origin = "synthetic"
    summary = "An ingredient."


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Source

    title = factory.Sequence(lambda n: f"A randomised trial {n}")
    pmid = factory.Sequence(lambda n: str(10_000_000 + n))
    design = "rct"
    population = "human"
    participants = 120
    funding = "independent"
    year = 2020


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.Claim

    slug = factory.Sequence(lambda n: f"claim-{n}")
    subject = factory.SubFactory(SubjectFactory)
    text = factory.Sequence(lambda n: f"Ingredient {n} reduces fine lines")
    route = "topical_intact"
    claim_type = "appearance"
    outcome = "fine lines"
    regulatory_code = "R4"
    regulatory_note = "A cosmetic making an appearance claim."
    conclusion_summary = "Some evidence."


class EvidenceLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.EvidenceLink

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    direction = "supports"
    risk_of_bias = "low"


class SafetySignalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = models.SafetySignal

    slug = factory.Sequence(lambda n: f"fda-warning-{n}")
    title = factory.Sequence(lambda n: f"Warning {n}")
    issuer = "fda"
    kind = "consumer_alert"
    date = "2024-01-01"
    product_class = "Things"
    url = "https://www.fda.gov/x"
