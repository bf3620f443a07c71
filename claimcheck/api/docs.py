"""Response shapes for the OpenAPI description. The read paths build plain dicts
(representations.py); these serializers only describe them, and the schemathesis test checks
every response against them. Input serializers live in serializers.py."""

from rest_framework import serializers as s

from claimcheck.claims.models import (
    Claim,
    EvidenceLink,
    SafetySignal,
    Source,
    Subject,
    VerdictChange,
)
from claimcheck.rubric import tables

VERDICTS = [v.value for v in tables.Verdict]
GRADES = list("ABCDF")


class Error(s.Serializer):
    code = s.CharField(help_text="Stable machine-readable code, e.g. invalid, not_found.")
    message = s.CharField(help_text="What went wrong, for people.")
    fields = s.DictField(
        child=s.ListField(child=s.CharField()),
        help_text="Messages per request field or query parameter; empty when none applies.",
    )


class ErrorResponse(s.Serializer):
    error = Error()


class Link(s.Serializer):
    label = s.CharField()
    url = s.URLField()


class SubjectRef(s.Serializer):
    slug = s.SlugField()
    name = s.CharField()
    kind = s.ChoiceField(choices=Subject.Kind.choices)
    url = s.URLField(help_text="The subject's page.")
    api_url = s.URLField()


class ClaimRef(s.Serializer):
    slug = s.SlugField()
    text = s.CharField()
    verdict = s.ChoiceField(choices=VERDICTS, allow_null=True)
    verdict_label = s.CharField(allow_null=True)
    grade = s.ChoiceField(choices=GRADES, allow_null=True)
    score = s.IntegerField(allow_null=True, min_value=0, max_value=100)
    url = s.URLField(help_text="The claim's verdict page.")
    api_url = s.URLField()


class ClaimSummary(s.Serializer):
    slug = s.SlugField()
    url = s.URLField(help_text="The claim's verdict page.")
    api_url = s.URLField()
    text = s.CharField()
    claimant = s.CharField()
    subject = SubjectRef()
    route = s.ChoiceField(choices=Claim.Route.choices)
    claim_type = s.ChoiceField(choices=Claim.ClaimType.choices)
    outcome = s.CharField()
    regulatory_code = s.ChoiceField(choices=Claim.RegulatoryCode.choices)
    verdict = s.ChoiceField(
        choices=VERDICTS, allow_null=True, help_text="The editorial override if set, else rated."
    )
    verdict_label = s.CharField(allow_null=True)
    grade = s.ChoiceField(choices=GRADES, allow_null=True)
    score = s.IntegerField(allow_null=True, min_value=0, max_value=100)
    overridden = s.BooleanField()
    conclusion_summary = s.CharField(allow_blank=True)
    published_at = s.DateTimeField(allow_null=True)
    updated_at = s.DateTimeField()
    status = s.ChoiceField(
        choices=Claim.Status.choices,
        help_text="published in lists. Cursor sync (`cursor=`) also returns retracted claims, "
        "as tombstones: their verdict is withdrawn, so stop showing it.",
    )
    retracted_at = s.DateTimeField(allow_null=True, help_text="Set on tombstones only.")
    retraction_reason = s.CharField(allow_null=True, help_text="Public reason, on tombstones.")


class RetractionNotice(s.Serializer):
    slug = s.SlugField()
    text = s.CharField()
    subject = SubjectRef()
    status = s.ChoiceField(choices=["retracted"])
    retracted_at = s.DateTimeField()
    retraction_reason = s.CharField()
    url = s.URLField(help_text="The claim's page, which shows the retraction.")
    history_url = s.URLField(help_text="The verdict history, still readable.")


class RetractedResponse(ErrorResponse):
    retraction = RetractionNotice()


class Factor(s.Serializer):
    code = s.CharField()
    dimension = s.CharField(help_text="R, E, T, SAFETY, VERDICT or SCORE.")
    effect = s.IntegerField(allow_null=True)
    sentence = s.CharField()
    sources = s.ListField(child=s.CharField(), help_text="Keys such as PMID:35689936.")


class RegulatoryPart(s.Serializer):
    code = s.CharField()
    points = s.IntegerField()


class EvidencePart(s.Serializer):
    level = s.CharField()
    direction = s.CharField()
    points = s.IntegerField()
    independent_concordant = s.IntegerField()


class TransparencyPart(s.Serializer):
    points = s.IntegerField()


class RatingOut(s.Serializer):
    verdict = s.ChoiceField(choices=VERDICTS)
    verdict_label = s.CharField()
    grade = s.ChoiceField(choices=GRADES)
    score = s.IntegerField(min_value=0, max_value=100)
    composite = s.IntegerField(min_value=0, max_value=100)
    verdict_rule = s.IntegerField()
    regulatory = RegulatoryPart()
    evidence = EvidencePart()
    transparency = TransparencyPart()
    factors = Factor(many=True)
    safety_signals = s.ListField(child=s.CharField())
    rubric_version = s.CharField()
    inputs_sha256 = s.CharField()
    rated_at = s.DateTimeField()


class OverrideOut(s.Serializer):
    verdict = s.ChoiceField(choices=VERDICTS)
    verdict_label = s.CharField()
    reason = s.CharField()


class SourceOut(s.Serializer):
    id = s.IntegerField()
    api_url = s.URLField()
    key = s.CharField(help_text="How rating factors cite this source, e.g. PMID:35689936.")
    kind = s.ChoiceField(choices=Source.Kind.choices)
    title = s.CharField()
    authors = s.CharField(allow_blank=True)
    publisher = s.CharField(allow_blank=True)
    year = s.IntegerField(allow_null=True)
    pmid = s.CharField(allow_blank=True)
    doi = s.CharField(allow_blank=True)
    nct = s.CharField(allow_blank=True)
    fda_number = s.CharField(allow_blank=True)
    fda_reference = s.CharField(allow_blank=True)
    links = Link(many=True, help_text="PubMed, doi.org, ClinicalTrials.gov, FDA, the source.")
    design = s.ChoiceField(choices=Source.Design.choices)
    population = s.ChoiceField(choices=Source.Population.choices)
    participants = s.IntegerField(allow_null=True)
    funding = s.ChoiceField(choices=Source.Funding.choices)
    manufacturer_affiliated = s.BooleanField()
    peer_reviewed = s.BooleanField()
    registered = s.BooleanField()
    retracted = s.BooleanField()
    summary = s.CharField(allow_blank=True)
    provisional_note = s.CharField(allow_blank=True)
    verified_on = s.DateField(
        allow_null=True, help_text="When its identifiers were checked against a public record."
    )
    verified_how = s.CharField(allow_blank=True, help_text="Which record was seen.")
    updated_at = s.DateTimeField()


class HowMuchItHelpsOut(s.Serializer):
    effect_size = s.ChoiceField(
        choices=Claim.EffectSize.choices,
        help_text="Reviewer-entered size of the effect in the governing evidence (rubric "
        "2.0.0); shown, never scored. not_known by default.",
    )
    effect_size_label = s.CharField()
    text = s.CharField(allow_blank=True, help_text="One sentence in numbers a reader understands.")
    source = SourceOut(allow_null=True, help_text="The evidence the effect size is taken from.")


class BeforeYouUseItOut(s.Serializer):
    pregnancy = s.CharField(
        allow_blank=True, help_text="Pregnancy and breastfeeding, per the label."
    )
    who_should_not_use = s.CharField(allow_blank=True)
    common_side_effects = s.CharField(allow_blank=True)
    source = SourceOut(help_text="The label or labelling record these come from.")


class EvidenceOut(s.Serializer):
    source = SourceOut()
    direction = s.CharField()
    on_outcome = s.BooleanField()
    direct = s.BooleanField()
    below_mid = s.BooleanField()
    risk_of_bias = s.CharField()
    note = s.CharField(allow_blank=True)
    provisional = s.BooleanField()


class SignalRef(s.Serializer):
    slug = s.SlugField()
    api_url = s.URLField(help_text="This signal in the API.")
    title = s.CharField()
    issuer = s.ChoiceField(choices=SafetySignal.Issuer.choices)
    kind = s.ChoiceField(choices=SafetySignal.Kind.choices)
    date = s.DateField()
    status = s.ChoiceField(choices=SafetySignal.Status.choices)
    url = s.URLField(help_text="The official notice.")


class SignalOut(SignalRef):
    product_class = s.CharField()
    routes = s.ListField(child=s.CharField())
    claim_types = s.ListField(child=s.CharField())
    origins = s.ListField(child=s.CharField())
    setting = s.CharField()
    summary = s.CharField(allow_blank=True)
    subjects = SubjectRef(many=True)


class AlternativeOut(SubjectRef):
    claims = ClaimRef(many=True)


class AppearanceOut(s.Serializer):
    url = s.URLField()
    first_seen = s.DateField(allow_null=True)
    note = s.CharField(allow_blank=True)


class RecordOut(s.Serializer):
    slug = s.SlugField()
    kind = s.CharField()
    title = s.CharField()
    indication = s.CharField(allow_blank=True)
    date = s.DateField(allow_null=True)
    url = s.CharField(allow_blank=True)


class ReviewerOut(s.Serializer):
    name = s.CharField()
    credentials = s.CharField()


class ClaimReviewRating(s.Serializer):
    alternateName = s.CharField()
    ratingValue = s.IntegerField(min_value=1, max_value=5)
    bestRating = s.IntegerField()
    worstRating = s.IntegerField()


class ClaimReviewOut(s.Serializer):
    url = s.URLField()
    claimReviewed = s.CharField(max_length=74)
    author = s.DictField()
    itemReviewed = s.DictField()
    reviewRating = ClaimReviewRating()
    datePublished = s.DateField(required=False)


class ClaimDetailOut(ClaimSummary):
    status = s.ChoiceField(
        choices=Claim.Status.choices,
        help_text="Always published for the public (a retracted claim is a 410); writers also "
        "see their drafts.",
    )
    evidence_update_under_review = s.BooleanField(
        help_text="True while a change reported by a public source (a retraction, a correction, "
        "posted trial results, an FDA action) to this claim's evidence or subject awaits a "
        "reviewer's decision; the verdict stands until then."
    )
    regulatory_note = s.CharField(allow_blank=True)
    conclusion = s.CharField(allow_blank=True)
    how_much_it_helps = HowMuchItHelpsOut()
    before_you_use_it = BeforeYouUseItOut(
        allow_null=True, help_text="Label facts for drugs, devices and procedures; null if none."
    )
    rating = RatingOut(allow_null=True, help_text="Null only for a draft not yet rated.")
    override = OverrideOut(allow_null=True)
    evidence = EvidenceOut(many=True)
    safety_signals = SignalRef(many=True, help_text="Official warnings matched by the rating.")
    alternatives = AlternativeOut(many=True)
    appearances = AppearanceOut(many=True)
    regulatory_records = RecordOut(many=True)
    reviewer = ReviewerOut(allow_null=True)
    reviewed_at = s.DateTimeField(allow_null=True)
    history_url = s.URLField()
    claim_review = ClaimReviewOut(
        allow_null=True, help_text="schema.org ClaimReview (published claims only)."
    )


class VerdictChangeOut(s.Serializer):
    kind = s.ChoiceField(choices=VerdictChange.Kind.choices)
    old_verdict = s.ChoiceField(choices=VERDICTS, allow_null=True)
    old_verdict_label = s.CharField(allow_null=True)
    new_verdict = s.ChoiceField(choices=VERDICTS, allow_null=True)
    new_verdict_label = s.CharField(allow_null=True)
    old_score = s.IntegerField(allow_null=True)
    new_score = s.IntegerField(allow_null=True)
    rubric_version = s.CharField()
    reason = s.CharField()
    changed_at = s.DateTimeField()


class ConcernOut(s.Serializer):
    slug = s.SlugField()
    name = s.CharField()


class SubjectSummaryOut(SubjectRef):
    claim_count = s.IntegerField(help_text="Published claims about the subject.")
    brand = s.CharField(allow_blank=True)
    aliases = s.ListField(child=s.CharField(), help_text="Other names and misspellings (search).")
    trade_names = s.ListField(
        child=s.CharField(), help_text="Brand and product names it is sold under."
    )
    summary = s.CharField(allow_blank=True)
    concerns = ConcernOut(many=True)
    updated_at = s.DateTimeField()


class TransparencyOut(s.Serializer):
    code = s.CharField()
    text = s.CharField()
    status = s.CharField()
    source_url = s.CharField(allow_blank=True)
    note = s.CharField(allow_blank=True)


class ArticleRef(s.Serializer):
    slug = s.SlugField()
    title = s.CharField()
    url = s.URLField(help_text="The article page (/articles/<slug>/).")
    api_url = s.URLField()


class SubjectDetailOut(SubjectSummaryOut):
    source_origin = s.CharField()
    biologic = s.BooleanField()
    claims = ClaimRef(many=True)
    alternatives = AlternativeOut(many=True)
    transparency = TransparencyOut(many=True)
    regulatory_records = RecordOut(many=True)
    safety_signals = SignalRef(many=True)
    articles = ArticleRef(many=True)


class ArticleReviewerOut(ReviewerOut):
    provisional = s.BooleanField(
        help_text="True while the review awaits sign-off by a named medical reviewer."
    )


class ArticleSummaryOut(ArticleRef):
    summary = s.CharField(help_text="The standfirst: what the article finds, in a sentence or two.")
    author_name = s.CharField(help_text="The byline.")
    reviewer = ArticleReviewerOut(allow_null=True, help_text="The medical reviewer.")
    published_at = s.DateTimeField(help_text="First publication.")
    reviewed_at = s.DateTimeField(
        allow_null=True, help_text="When the medical reviewer last signed the article off."
    )
    updated_at = s.DateTimeField(help_text="Last change to the article or its links.")


class ArticleDetailOut(ArticleSummaryOut):
    body = s.CharField(help_text="Markdown.")
    body_html = s.CharField(help_text="The body as sanitised HTML.")
    subjects = SubjectRef(many=True)
    claims = ClaimRef(many=True)
    references = SourceOut(many=True)


class SearchHitOut(s.Serializer):
    type = s.ChoiceField(choices=["subject", "claim", "article"])
    slug = s.SlugField()
    title = s.CharField()
    snippet = s.CharField(allow_blank=True)
    url = s.URLField()
    api_url = s.URLField()


class CheckRequestOut(s.Serializer):
    public_id = s.UUIDField()
    status = s.CharField()
    status_url = s.URLField(help_text="The public status page of the request.")


class WebhookOut(s.Serializer):
    id = s.IntegerField()
    url = s.URLField()
    events = s.ListField(child=s.CharField(), help_text="Empty: every event.")
    description = s.CharField(allow_blank=True)
    active = s.BooleanField(help_text="False while our staff have paused it.")
    created_at = s.DateTimeField()
    api_url = s.URLField()


class WebhookCreatedOut(WebhookOut):
    secret = s.CharField(help_text="The signing secret: shown only in this answer. Keep it.")


class WebhookListOut(s.Serializer):
    results = WebhookOut(many=True)


def page_of(name, item, **extra):
    """A paginated list of `item`, as a named component."""
    fields = {
        "count": s.IntegerField(min_value=0),
        "next": s.URLField(allow_null=True),
        "previous": s.URLField(allow_null=True),
        **extra,
        "results": item(many=True),
    }
    return type(name, (s.Serializer,), fields)


ClaimPage = page_of("PaginatedClaimList", ClaimSummary)
VerdictChangePage = page_of("PaginatedVerdictChangeList", VerdictChangeOut)
SubjectPage = page_of("PaginatedSubjectList", SubjectSummaryOut)
SourcePage = page_of("PaginatedSourceList", SourceOut)
SignalPage = page_of("PaginatedSignalList", SignalOut)
ArticlePage = page_of("PaginatedArticleList", ArticleSummaryOut)


class SearchConcernOut(s.Serializer):
    slug = s.SlugField()
    name = s.CharField()
    url = s.URLField(help_text="The concern's page.")
    claim_count = s.IntegerField(min_value=0, help_text="Published claims about it.")


class SearchReadingOut(s.Serializer):
    confident = s.BooleanField(
        help_text="True when the results answer the query as asked: something was found, "
        "every word was understood and none was read as another. False for a miss, a "
        "partial answer (see not_understood) or a corrected query: show such results as "
        "the closest things checked, not as the answer."
    )
    corrected = s.CharField(
        allow_null=True,
        help_text="The query as searched, when a misspelt word was read as "
        "a name (for example exozome as exosome).",
    )
    not_understood = s.ListField(
        child=s.CharField(),
        help_text="Words of the query that nothing checked mentions (normalised: lower case, "
        "singular).",
    )
    intent = s.ChoiceField(
        choices=["", "safety", "efficacy", "compare", "concern"],
        help_text="What the question asks, when its form says: is it safe, does it work, X "
        "vs Y, how to get rid of Y.",
    )
    concerns = SearchConcernOut(many=True, help_text="Skin concerns the query names.")
    compare_url = s.URLField(
        allow_null=True, help_text="For 'X vs Y': the page comparing the subjects named."
    )


SearchPage = page_of("SearchResults", SearchHitOut, query=s.CharField(), reading=SearchReadingOut())


# Named choice sets for the description (settings.SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]):
# several models have a `kind` or `status`, each its own vocabulary.
SUBJECT_KINDS = Subject.Kind.choices
SOURCE_KINDS = Source.Kind.choices
SIGNAL_KINDS = SafetySignal.Kind.choices
SIGNAL_STATUSES = SafetySignal.Status.choices
CHANGE_KINDS = VerdictChange.Kind.choices
CLAIM_STATUSES = Claim.Status.choices
DIRECTIONS = EvidenceLink.Direction.choices


class CopyCheckClaim(s.Serializer):
    slug = s.SlugField()
    text = s.CharField()
    verdict = s.ChoiceField(choices=VERDICTS)
    grade = s.ChoiceField(choices=GRADES)
    score = s.IntegerField(min_value=0, max_value=100)
    url = s.URLField(help_text="The claim's verdict page.")
    api_url = s.URLField(help_text="The claim in the API.")


class CopyCheckMatch(s.Serializer):
    start = s.IntegerField(min_value=0, help_text="Offset of the clause's first character.")
    end = s.IntegerField(min_value=0, help_text="Offset just after the clause.")
    quote = s.CharField(help_text="text[start:end]")
    claim = CopyCheckClaim()
    confidence = s.FloatField(min_value=0, max_value=1)


class CopyCheckCitation(s.Serializer):
    title = s.CharField()
    url = s.URLField()


class CopyCheckFlag(s.Serializer):
    start = s.IntegerField(min_value=0)
    end = s.IntegerField(min_value=0)
    quote = s.CharField()
    category = s.ChoiceField(choices=["structure_function", "disease", "regulatory_status"])
    reason = s.CharField()
    citation = CopyCheckCitation()


class CopyCheckUnchecked(s.Serializer):
    start = s.IntegerField(min_value=0)
    end = s.IntegerField(min_value=0)
    quote = s.CharField()
    request_url = s.URLField(help_text="The request-a-check form, prefilled with the quote.")


class CopyCheckCounts(s.Serializer):
    matches = s.IntegerField(min_value=0)
    drug_claim_flags = s.IntegerField(min_value=0)
    unchecked = s.IntegerField(min_value=0)


class CopyCheckOut(s.Serializer):
    counts = CopyCheckCounts(help_text="How many of each the whole text holds.")
    truncated = s.BooleanField(
        help_text="True when a list below holds only its first 100 items (see `counts`)."
    )
    matches = CopyCheckMatch(many=True)
    drug_claim_flags = CopyCheckFlag(many=True)
    unchecked = CopyCheckUnchecked(many=True)
