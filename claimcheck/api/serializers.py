"""Input serializers for writes: explicit fields only, so computed and workflow fields (status,
rating, reviewer, dates, override) can never be set through the API. They validate shape;
the services validate the domain (full_clean) and do the writing."""

from rest_framework import serializers as s

from claimcheck.claims.models import Claim, EvidenceLink, Source, Subject

JSON_TYPES = {bool: "true or false", int: "a number", float: "a number", list: "an array"}


class _TextOnly:
    """DRF's text fields turn 0 into "0" and true into "True", so `{"text": 0}` would be
    checked as the text "0" and answered as if all were well. A JSON value of another type
    where text belongs is a client's mistake: refused, naming the field."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            kind = JSON_TYPES.get(type(data), "an object")
            raise s.ValidationError(f"Send this as a JSON string, not {kind}.", code="invalid")
        return super().to_internal_value(data)


class Text(_TextOnly, s.CharField):
    pass


class Slug(_TextOnly, s.SlugField):
    pass


class Url(_TextOnly, s.URLField):
    pass


class StrictSerializer(s.Serializer):
    """Unknown fields are an error, not silently dropped, so a client trying to set `status`
    or `verdict` learns at once that it cannot."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise s.ValidationError(
                    {name: ["This field cannot be set through the API."] for name in unknown}
                )
        return super().to_internal_value(data)


class ClaimFieldsInput(StrictSerializer):
    subject = s.SlugRelatedField(slug_field="slug", queryset=Subject.objects.all())
    text = Text(max_length=300)
    claimant = Text(max_length=200, required=False)
    route = s.ChoiceField(choices=Claim.Route.choices)
    claim_type = s.ChoiceField(choices=Claim.ClaimType.choices)
    outcome = Text(max_length=200)
    regulatory_code = s.ChoiceField(choices=Claim.RegulatoryCode.choices)
    regulatory_note = Text(required=False, allow_blank=True, max_length=5000)
    conclusion_summary = Text(required=False, allow_blank=True, max_length=300)
    conclusion = Text(required=False, allow_blank=True, max_length=20000)


class ClaimCreateInput(ClaimFieldsInput):
    slug = Slug(max_length=150)


class ClaimUpdateInput(ClaimFieldsInput):
    pass


class SourceInput(StrictSerializer):
    kind = s.ChoiceField(choices=Source.Kind.choices, required=False)
    title = Text(max_length=500)
    authors = Text(max_length=500, required=False, allow_blank=True)
    publisher = Text(max_length=300, required=False, allow_blank=True)
    year = s.IntegerField(min_value=1900, max_value=2100, required=False, allow_null=True)
    pmid = Text(max_length=9, required=False, allow_blank=True)
    doi = Text(max_length=200, required=False, allow_blank=True)
    nct = Text(max_length=11, required=False, allow_blank=True)
    fda_number = Text(max_length=16, required=False, allow_blank=True)
    fda_reference = Text(max_length=100, required=False, allow_blank=True)
    url = Url(max_length=500, required=False, allow_blank=True)
    design = s.ChoiceField(choices=Source.Design.choices)
    population = s.ChoiceField(choices=Source.Population.choices, required=False)
    participants = s.IntegerField(
        min_value=0, max_value=100_000_000, required=False, allow_null=True
    )
    funding = s.ChoiceField(choices=Source.Funding.choices, required=False)
    manufacturer_affiliated = s.BooleanField(required=False)
    peer_reviewed = s.BooleanField(required=False)
    registered = s.BooleanField(required=False)
    retracted = s.BooleanField(required=False)
    summary = Text(required=False, allow_blank=True, max_length=20000)
    provisional_note = Text(max_length=500, required=False, allow_blank=True)


class EvidenceFieldsInput(StrictSerializer):
    direction = s.ChoiceField(choices=EvidenceLink.Direction.choices)
    on_outcome = s.BooleanField(required=False)
    below_mid = s.BooleanField(required=False)
    restricted_direction = s.ChoiceField(
        choices=EvidenceLink.Direction.choices, required=False, allow_blank=True
    )
    relative_effect = s.DecimalField(
        max_digits=8, decimal_places=3, required=False, allow_null=True, min_value=0
    )
    dose_response = s.BooleanField(required=False)
    studies_exact_product = s.BooleanField(required=False)
    risk_of_bias = s.ChoiceField(choices=EvidenceLink.RiskOfBias.choices, required=False)
    risk_of_bias_reason = Text(required=False, allow_blank=True, max_length=5000)
    inconsistency = s.BooleanField(required=False)
    inconsistency_reason = Text(required=False, allow_blank=True, max_length=5000)
    indirect_population = s.BooleanField(required=False)
    indirect_intervention = s.BooleanField(required=False)
    indirect_outcome = s.BooleanField(required=False)
    indirectness_reason = Text(required=False, allow_blank=True, max_length=5000)
    provisional = s.BooleanField(required=False)
    note = Text(required=False, allow_blank=True, max_length=5000)


class EvidenceCreateInput(EvidenceFieldsInput):
    source = s.PrimaryKeyRelatedField(queryset=Source.objects.all())


class EvidenceUpdateInput(EvidenceFieldsInput):
    pass


class CheckRequestInput(StrictSerializer):
    claim_text = Text(max_length=300)
    seen_at = Url(max_length=500, required=False, allow_blank=True)
    details = Text(max_length=2000, required=False, allow_blank=True)


class CopyCheckInput(StrictSerializer):
    """The length limit is checked by the view, which answers 413 rather than 400."""

    text = Text(
        allow_blank=True,
        trim_whitespace=False,
        help_text="The marketing copy to check, up to 20,000 characters.",
    )


class WebhookInput(StrictSerializer):
    url = Url(max_length=500, help_text="Your HTTPS address that receives the events.")
    events = s.ListField(
        child=Text(max_length=40),
        required=False,
        max_length=10,
        help_text="Event names to receive (claim.published, claim.changed, "
        "claim.verdict_changed, claim.retracted); empty or absent: all.",
    )
    description = Text(max_length=200, required=False, allow_blank=True)
