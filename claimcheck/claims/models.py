"""The claims domain: subjects, claims, sources, evidence links, ratings and verdict history.

Vocabularies come from the rubric, so a stored value can always be rated. Invariants live in
named database constraints; fields that only services set are not editable.
"""

import re
import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from claimcheck.rubric import tables as rubric

from .querysets import ClaimQuerySet, RatingQuerySet


def _choices(enum, labels=None):
    """(value, label) pairs for a rubric vocabulary."""
    labels = labels or {}
    return [(m.value, labels.get(m, m.name.replace("_", " ").capitalize())) for m in enum]


def _text_choices(name, pairs):
    """A TextChoices class from (value, label) pairs (the functional API takes names)."""
    members = [(re.sub(r"\W", "_", value).upper(), (value, label)) for value, label in pairs]
    return models.TextChoices(name, members)


# Identifier formats, shared by the constraints and the form validators.
PMID_RE = r"^[1-9][0-9]{0,8}$"
DOI_RE = r"^10\.[0-9]{4,9}/\S+$"
NCT_RE = r"^NCT[0-9]{8}$"
FDA_NUMBER_RE = r"^(K[0-9]{6}|DEN[0-9]{6}|P[0-9]{6}(/S[0-9]{3})?|NDA[0-9]{6}|BLA[0-9]{6})$"

validate_pmid = RegexValidator(PMID_RE, "A PMID is 1 to 9 digits, without a leading zero.")
validate_doi = RegexValidator(
    DOI_RE,
    "A DOI starts with 10., a registrant code, a slash and "
    "a suffix without spaces (for example 10.1093/asj/sjac149).",
)
validate_nct = RegexValidator(NCT_RE, "An NCT number is NCT followed by 8 digits.")
validate_fda_number = RegexValidator(
    FDA_NUMBER_RE,
    "An FDA number is K, DEN, P, NDA or BLA followed by 6 digits (a PMA "
    "supplement may add /S and 3 digits).",
)


MAX_NAMES = 60  # names in one alias or trade-name list
MAX_NAME_LENGTH = 100


def validate_name_list(value):
    """A list of short, distinct, non-empty names (aliases, trade names, concern words)."""
    if not isinstance(value, list):
        raise ValidationError("Give a list of names.")
    if len(value) > MAX_NAMES:
        raise ValidationError(f"Give at most {MAX_NAMES} names.")
    seen = set()
    for name in value:
        if not isinstance(name, str) or not name.strip():
            raise ValidationError("Every name must be non-empty text.")
        if len(name) > MAX_NAME_LENGTH:
            raise ValidationError(f"A name has at most {MAX_NAME_LENGTH} characters: {name[:40]}")
        if name.strip().lower() in seen:
            raise ValidationError(f"{name} is listed twice.")
        seen.add(name.strip().lower())


class ReviewerProfile(models.Model):
    """A named medical reviewer, shown on every claim they reviewed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    credentials = models.CharField(
        max_length=200, help_text="For example: MD, board-certified dermatologist"
    )
    bio = models.TextField(blank=True)
    provisional = models.BooleanField(
        default=False, help_text="Placeholder reviewer role awaiting a named person."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name}, {self.credentials}"


class Concern(models.Model):
    """What a consumer wants fixed: anti-ageing, acne, scars, pigmentation and so on."""

    slug = models.SlugField(max_length=60, unique=True)
    name = models.CharField(max_length=100, unique=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_name_list],
        help_text="Words people use for it (dark spots, breakouts, thinning hair), for search; "
        "never shown.",
    )
    summary = models.TextField(blank=True, help_text="One or two plain sentences for its page.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("web:concern", kwargs={"slug": self.slug})


class Subject(models.Model):
    """What claims are about: an ingredient class, product, procedure, device or supplement."""

    Kind = _text_choices("Kind", _choices(rubric.SubjectKind))
    Origin = _text_choices("Origin", _choices(rubric.Origin))

    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=200)
    slug = models.SlugField(max_length=120, unique=True)
    aliases = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_name_list],
        help_text="Other names and common misspellings, used in search and claim detection; "
        "never shown.",
    )
    trade_names = models.JSONField(
        default=list,
        blank=True,
        validators=[validate_name_list],
        help_text='Brand and product names it is sold under: shown as "also sold as", and '
        "searched and detected like aliases.",
    )
    summary = models.TextField(blank=True)
    brand = models.CharField(max_length=200, blank=True)
    source_origin = models.CharField(
        max_length=20, choices=Origin.choices, default=rubric.Origin.SYNTHETIC
    )
    biologic = models.BooleanField(
        default=False,
        help_text="A biologic active (exosomes, growth factors, secretome): an undisclosed "
        "origin is then rated as human.",
    )
    review_query = models.CharField(
        max_length=500,
        blank=True,
        help_text="A PubMed query for this subject's studies (e.g. exosome*[tiab] AND skin[tiab]): "
        "the evidence watch looks for new systematic reviews and meta-analyses matching it.",
    )
    concerns = models.ManyToManyField(Concern, blank=True, related_name="subjects")
    alternatives = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="alternative_to",
        help_text="Evidence-based alternatives to suggest instead.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[concerns, alternatives])

    class Meta:
        ordering = ["name"]
        indexes = [
            # Browse and filter subjects by kind (home page, API ?kind=).
            models.Index(fields=["kind", "name"], name="claims_subject_kind_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=[k.value for k in rubric.SubjectKind]),
                name="claims_subject_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(source_origin__in=[o.value for o in rubric.Origin]),
                name="claims_subject_origin_valid",
            ),
            models.CheckConstraint(condition=~Q(slug=""), name="claims_subject_slug_not_empty"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("web:subject", kwargs={"slug": self.slug})


TRANSPARENCY_CODES = {**rubric.PRODUCT_CHECKLIST, **rubric.CLASS_CHECKLIST}


class TransparencyItem(models.Model):
    """One item of a subject's source-transparency checklist, with the page that shows it."""

    Code = _text_choices("Code", [(c, f"{c}: {t}") for c, t in TRANSPARENCY_CODES.items()])
    Status = _text_choices(
        "Status",
        _choices(
            rubric.ItemStatus,
            {
                rubric.ItemStatus.PASS: "Pass",
                rubric.ItemStatus.FAIL: "Not found",
                rubric.ItemStatus.NOT_APPLICABLE: "Not applicable",
            },
        ),
    )

    subject = models.ForeignKey(Subject, on_delete=models.CASCADE, related_name="transparency")
    code = models.CharField(max_length=2, choices=Code.choices)
    status = models.CharField(max_length=4, choices=Status.choices)
    source_url = models.URLField(max_length=500, blank=True)
    note = models.CharField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["subject", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["subject", "code"], name="claims_transparency_one_per_item"
            ),
            models.CheckConstraint(
                condition=Q(code__in=list(TRANSPARENCY_CODES)),
                name="claims_transparency_code_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in rubric.ItemStatus]),
                name="claims_transparency_status_valid",
            ),
            # A passed item must point at the public page that shows it.
            models.CheckConstraint(
                condition=~Q(status=rubric.ItemStatus.PASS) | ~Q(source_url=""),
                name="claims_transparency_pass_has_url",
            ),
        ]

    def __str__(self):
        return f"{self.code}: {self.status}"

    @property
    def label(self):
        """What the item asks, in words without its code, for consumer pages."""
        return TRANSPARENCY_CODES[self.code]


class Source(models.Model):
    """One piece of evidence: a study, review, trial registration, regulatory document or
    guideline, with the extraction fields the rubric reads."""

    Kind = _text_choices(
        "Kind",
        [
            ("study", "Study"),
            ("review", "Systematic review"),
            ("registration", "Trial registration"),
            ("regulatory", "Regulatory document"),
            ("guideline", "Guideline"),
        ],
    )
    Design = _text_choices("Design", [(d.value, rubric.DESIGN_LABELS[d]) for d in rubric.Design])
    Population = _text_choices(
        "Population",
        [
            ("human", "Human"),
            ("animal", "Animal"),
            ("in_vitro", "In vitro"),
            ("none", "None (reasoning or opinion)"),
        ],
    )
    Funding = _text_choices("Funding", _choices(rubric.Funding))

    kind = models.CharField(max_length=20, choices=Kind.choices, default="study")
    title = models.CharField(max_length=500)
    authors = models.CharField(max_length=500, blank=True)
    publisher = models.CharField(max_length=300, blank=True, help_text="Journal or issuing body.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    pmid = models.CharField("PMID", max_length=9, blank=True, validators=[validate_pmid])
    doi = models.CharField("DOI", max_length=200, blank=True, validators=[validate_doi])
    nct = models.CharField("NCT number", max_length=11, blank=True, validators=[validate_nct])
    fda_number = models.CharField(
        "FDA number",
        max_length=16,
        blank=True,
        validators=[validate_fda_number],
        help_text="510(k) K…, De Novo DEN…, PMA P…, NDA… or BLA…",
    )
    fda_reference = models.CharField("FDA letter reference", max_length=100, blank=True)
    url = models.URLField(max_length=500, blank=True)
    design = models.CharField(max_length=30, choices=Design.choices)
    population = models.CharField(max_length=10, choices=Population.choices, default="human")
    participants = models.PositiveIntegerField(
        null=True, blank=True, help_text="Participants analysed; empty if not reported."
    )
    funding = models.CharField(
        max_length=20, choices=Funding.choices, default=rubric.Funding.UNDISCLOSED
    )
    manufacturer_affiliated = models.BooleanField(default=False)
    peer_reviewed = models.BooleanField(default=True)
    registered = models.BooleanField(default=False)
    retracted = models.BooleanField(default=False)
    summary = models.TextField(blank=True)
    provisional_note = models.CharField(
        max_length=500,
        blank=True,
        help_text="Extraction fields still to be confirmed, shown publicly.",
    )
    # When and how a person checked this source's identifiers and extracted facts against a
    # public copy of its record; a claim is published only on verified sources.
    verified_on = models.DateField(null=True, blank=True)
    verified_how = models.CharField(
        max_length=500,
        blank=True,
        help_text="The record that was seen (where and what it confirmed).",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "title"]
        indexes = [
            # API ?updated_since= and sync by cursor.
            models.Index(fields=["updated_at", "id"], name="claims_source_updated_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(pmid="") | Q(pmid__regex=PMID_RE), name="claims_source_pmid_format"
            ),
            models.CheckConstraint(
                condition=Q(doi="") | Q(doi__regex=DOI_RE), name="claims_source_doi_format"
            ),
            models.CheckConstraint(
                condition=Q(nct="") | Q(nct__regex=NCT_RE), name="claims_source_nct_format"
            ),
            models.CheckConstraint(
                condition=Q(fda_number="") | Q(fda_number__regex=FDA_NUMBER_RE),
                name="claims_source_fda_number_format",
            ),
            # One source per identifier: look-ups by ?pmid=, ?doi=, ?nct= serve these indexes.
            models.UniqueConstraint(
                fields=["pmid"], condition=~Q(pmid=""), name="claims_source_pmid_unique"
            ),
            models.UniqueConstraint(
                fields=["doi"], condition=~Q(doi=""), name="claims_source_doi_unique"
            ),
            models.UniqueConstraint(
                fields=["nct"], condition=~Q(nct=""), name="claims_source_nct_unique"
            ),
            models.CheckConstraint(
                condition=Q(design__in=[d.value for d in rubric.Design]),
                name="claims_source_design_valid",
            ),
            models.CheckConstraint(
                condition=Q(funding__in=[f.value for f in rubric.Funding]),
                name="claims_source_funding_valid",
            ),
            # Human designs need a human population, animal and in-vitro studies their own.
            models.CheckConstraint(
                condition=(
                    Q(design__in=sorted(d.value for d in rubric.HUMAN_DESIGNS), population="human")
                    | Q(design=rubric.Design.ANIMAL, population="animal")
                    | Q(design=rubric.Design.IN_VITRO, population="in_vitro")
                    | Q(design=rubric.Design.MECHANISTIC_OPINION)
                ),
                name="claims_source_design_population_consistent",
            ),
            models.CheckConstraint(
                condition=Q(year__isnull=True) | Q(year__gte=1900, year__lte=2100),
                name="claims_source_year_range",
            ),
            # A verification date says how the record was checked.
            models.CheckConstraint(
                condition=Q(verified_on__isnull=True) | ~Q(verified_how=""),
                name="claims_source_verified_has_how",
            ),
        ]

    def __str__(self):
        return self.title[:80]

    @property
    def key(self):
        """How the rubric's factors cite this source."""
        for label, value in (
            ("PMID", self.pmid),
            ("DOI", self.doi),
            ("NCT", self.nct),
            ("FDA", self.fda_number),
        ):
            if value:
                return f"{label}:{value}"
        return f"source:{self.pk}"

    @property
    def links(self):
        """Links out to PubMed, doi.org, ClinicalTrials.gov and FDA databases."""
        out = []
        if self.pmid:
            out.append(("PubMed", f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/"))
        if self.doi:
            out.append(("DOI", f"https://doi.org/{self.doi}"))
        if self.nct:
            out.append(("ClinicalTrials.gov", f"https://clinicaltrials.gov/study/{self.nct}"))
        if self.fda_number:
            out.append(("FDA", fda_database_url(self.fda_number)))
        if self.url:
            out.append(("Source", self.url))
        return out


def fda_database_url(number):
    """The FDA database page for a clearance, De Novo, PMA or application number."""
    base = "https://www.accessdata.fda.gov/scripts"
    if number.startswith("DEN"):
        return f"{base}/cdrh/cfdocs/cfpmn/denovo.cfm?id={number}"
    if number.startswith("K"):
        return f"{base}/cdrh/cfdocs/cfpmn/pmn.cfm?ID={number}"
    if number.startswith("P"):
        return f"{base}/cdrh/cfdocs/cfpma/pma.cfm?id={number.split('/')[0]}"
    return f"{base}/cder/daf/index.cfm?event=overview.process&ApplNo={number[-6:]}"


class RegulatoryRecord(models.Model):
    """A regulatory fact about a subject: an approval, clearance, monograph or its absence."""

    Kind = _text_choices(
        "Kind",
        [
            ("approval", "Approval (NDA, BLA or PMA)"),
            ("de_novo", "De Novo grant"),
            ("clearance", "510(k) clearance"),
            ("monograph", "OTC monograph or order"),
            ("cosmetic", "Cosmetic (no premarket pathway)"),
            ("supplement", "Dietary supplement"),
            ("no_approval", "No approval exists"),
            ("enforcement", "Warning or untitled letter"),
            ("guidance", "Guidance or rule"),
        ],
    )

    subject = models.ForeignKey(
        Subject, on_delete=models.CASCADE, related_name="regulatory_records"
    )
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    indication = models.TextField(blank=True, help_text="The use the record covers.")
    date = models.DateField(null=True, blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="regulatory_records"
    )
    url = models.URLField(max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["subject", "-date"]

    def __str__(self):
        return self.title[:80]

    def get_absolute_url(self):
        return self.subject.get_absolute_url()


class SafetySignal(models.Model):
    """An official safety warning; it caps the verdict of every claim it matches."""

    Issuer = _text_choices(
        "Issuer",
        [
            ("fda", "FDA"),
            ("cdc", "CDC"),
            ("state", "State health department"),
            ("eu_safety_gate", "EU Safety Gate"),
        ],
    )
    Kind = _text_choices(
        "Kind",
        [
            ("safety_notification", "Safety notification"),
            ("consumer_alert", "Consumer alert"),
            ("warning_letter", "Warning letter"),
            ("recall", "Recall"),
            ("outbreak_report", "Outbreak report"),
        ],
    )
    Setting = _text_choices("Setting", [("product", "Product"), ("provider", "Provider practice")])
    Status = _text_choices("Status", [("active", "Active"), ("resolved", "Resolved")])

    slug = models.SlugField(max_length=120, unique=True)
    title = models.CharField(max_length=300)
    issuer = models.CharField(max_length=20, choices=Issuer.choices)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    date = models.DateField()
    product_class = models.CharField(max_length=200)
    subjects = models.ManyToManyField(
        Subject, related_name="safety_signals", help_text="The subjects inside the product class."
    )
    routes = models.JSONField(default=list, blank=True)
    claim_types = models.JSONField(default=list, blank=True)
    origins = models.JSONField(
        default=list, blank=True, help_text="Origins covered (worst case applied); empty for any."
    )
    setting = models.CharField(max_length=10, choices=Setting.choices, default="product")
    status = models.CharField(max_length=10, choices=Status.choices, default="active")
    url = models.URLField(max_length=500)
    summary = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[subjects])

    class Meta:
        ordering = ["-date"]
        indexes = [
            # API signals/ list filtered by status, newest first.
            models.Index(fields=["status", "-date"], name="claims_signal_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["active", "resolved"]), name="claims_signal_status_valid"
            ),
        ]

    def __str__(self):
        return self.title[:80]


class Claim(models.Model):
    """One marketed statement about one subject, with its workflow state and current rating."""

    Route = _text_choices(
        "Route",
        _choices(
            rubric.Route,
            {
                rubric.Route.TOPICAL_INTACT: "Topical on intact skin",
                rubric.Route.TOPICAL_BREACHED: (
                    "Topical on breached skin (after microneedling or laser)"
                ),
                rubric.Route.ENERGY_DEVICE: "Energy device",
                rubric.Route.MECHANICAL_DEVICE: "Mechanical device (microneedling pen or roller)",
            },
        ),
    )
    ClaimType = _text_choices(
        "ClaimType",
        _choices(rubric.ClaimType, {rubric.ClaimType.STRUCTURE_FUNCTION: "Structure/function"}),
    )
    RegulatoryCode = _text_choices(
        "RegulatoryCode", [(c.value, f"{c.value}: {rubric.R_TABLE[c][1]}") for c in rubric.RCode]
    )
    Status = _text_choices(
        "Status",
        [
            ("draft", "Draft"),
            ("in_review", "In review"),
            ("published", "Published"),
            ("retracted", "Retracted"),
        ],
    )
    Verdict = _text_choices(
        "Verdict", [(v.value, rubric.VERDICT_LABELS[v]) for v in rubric.Verdict]
    )
    EffectSize = _text_choices(
        "EffectSize",
        [
            ("large", "Large"),
            ("moderate", "Moderate"),
            ("small", "Small"),
            ("none_shown", "None shown"),
            ("not_known", "Not known"),
        ],
    )

    slug = models.SlugField(max_length=150, unique=True)
    subject = models.ForeignKey(Subject, on_delete=models.PROTECT, related_name="claims")
    text = models.CharField(max_length=300, help_text="The claim as it is marketed.")
    claimant = models.CharField(max_length=200, default="Marketing in general")
    route = models.CharField(max_length=20, choices=Route.choices)
    claim_type = models.CharField(max_length=20, choices=ClaimType.choices)
    outcome = models.CharField(max_length=200, help_text="The outcome claimed, e.g. fine wrinkles.")
    regulatory_code = models.CharField(max_length=3, choices=RegulatoryCode.choices)
    regulatory_note = models.TextField(blank=True)
    regulatory_records = models.ManyToManyField(RegulatoryRecord, blank=True, related_name="claims")
    conclusion_summary = models.CharField(max_length=300, blank=True)
    conclusion = models.TextField(blank=True)
    # "How much it helps" (rubric 2.0.0): shown beside the verdict, never scored.
    effect_size = models.CharField(
        "how much it helps",
        max_length=12,
        choices=EffectSize.choices,
        default=EffectSize.NOT_KNOWN,
    )
    effect_size_text = models.CharField(
        "how much it helps, in numbers",
        max_length=300,
        blank=True,
        help_text='One sentence a reader understands, e.g. "about 3 in 10 users saw moderate '
        'improvement after 24 weeks".',
    )
    effect_size_source = models.ForeignKey(
        "Source",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="effect_size_for",
        help_text="The governing evidence the effect size is taken from.",
    )
    # "Before you use it": for drugs, devices and procedures, from the label, cited.
    label_pregnancy = models.TextField("pregnancy and breastfeeding", blank=True)
    label_do_not_use = models.TextField("who should not use it", blank=True)
    label_side_effects = models.TextField("common side effects", blank=True)
    label_source = models.ForeignKey(
        "Source",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="label_for",
        help_text="The label or labelling record the three fields above come from.",
    )
    draft_reason = models.TextField(
        blank=True, help_text="Why the claim is not published yet (for example an unverified fact)."
    )
    status = models.CharField(
        max_length=12, choices=Status.choices, default="draft", editable=False
    )
    reviewer = models.ForeignKey(
        ReviewerProfile,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="claims",
        editable=False,
    )
    reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    published_at = models.DateTimeField(null=True, blank=True, editable=False)
    retraction_reason = models.TextField(blank=True, editable=False)
    current_rating = models.OneToOneField(
        "Rating",
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="current_for",
    )
    override_verdict = models.CharField(
        max_length=20, choices=Verdict.choices, blank=True, editable=False
    )
    override_reason = models.TextField(blank=True, editable=False)
    # The verdict and score readers see (the override if any, else the current rating's),
    # stored on the row so that filtering by verdict and ordering by score need no join and
    # one index serves both (claims_claim_shown_idx). Written only by the services that
    # change the current rating or the override (services._shown).
    shown_verdict = models.CharField(
        max_length=20, choices=Verdict.choices, blank=True, editable=False
    )
    shown_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(m2m_fields=[regulatory_records])

    objects = ClaimQuerySet.as_manager()

    class Meta:
        ordering = ["subject__name", "text"]
        # Workflow rights beyond add/change (claimcheck/claims/roles.py grants them by group).
        permissions = [
            ("publish_claim", "Can publish, retract and re-rate published claims"),
            ("override_verdict", "Can override a computed verdict with a public reason"),
            ("judge_evidence", "Can set the evidence judgement flags D1-D3"),
        ]
        indexes = [
            # Public lists: published claims, most recently changed first (home, feeds, API).
            models.Index(fields=["status", "-updated_at"], name="claims_claim_status_upd_idx"),
            # API filters by route and claim type.
            models.Index(fields=["route", "claim_type"], name="claims_claim_route_type_idx"),
            # API filter ?regulatory_code=.
            models.Index(fields=["regulatory_code"], name="claims_claim_regcode_idx"),
            # API ?verdict= (or ?grade=) with ?ordering=-score, and search's browse by
            # verdict (best score first): filter and order from the index, however many rows.
            models.Index(
                fields=["status", "shown_verdict", "-shown_score", "-id"],
                name="claims_claim_shown_idx",
            ),
            # API ?ordering=-score (and ?min_score=, ?max_score=) without a verdict filter.
            models.Index(fields=["status", "-shown_score", "-id"], name="claims_claim_score_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "in_review", "published", "retracted"]),
                name="claims_claim_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(route__in=[r.value for r in rubric.Route]),
                name="claims_claim_route_valid",
            ),
            models.CheckConstraint(
                condition=Q(claim_type__in=[t.value for t in rubric.ClaimType]),
                name="claims_claim_type_valid",
            ),
            models.CheckConstraint(
                condition=Q(regulatory_code__in=[c.value for c in rubric.RCode]),
                name="claims_claim_regcode_valid",
            ),
            # An override is public only with its reason.
            models.CheckConstraint(
                condition=Q(override_verdict="") | ~Q(override_reason=""),
                name="claims_claim_override_has_reason",
            ),
            # The shown verdict is a verdict, and it is the override whenever there is one.
            models.CheckConstraint(
                condition=Q(shown_verdict="")
                | Q(shown_verdict__in=[v.value for v in rubric.Verdict]),
                name="claims_claim_shown_verdict_valid",
            ),
            models.CheckConstraint(
                condition=Q(override_verdict="") | Q(shown_verdict=F("override_verdict")),
                name="claims_claim_shown_is_override",
            ),
            models.CheckConstraint(
                condition=Q(shown_score__isnull=True) | Q(shown_score__gte=0, shown_score__lte=100),
                name="claims_claim_shown_score_range",
            ),
            # A published claim shows a verdict and a score (its lists filter and order by them).
            models.CheckConstraint(
                condition=~Q(status="published")
                | (~Q(shown_verdict="") & Q(shown_score__isnull=False)),
                name="claims_claim_published_is_shown",
            ),
            # An effect size other than "not known" carries its sentence and its source.
            models.CheckConstraint(
                condition=Q(
                    effect_size__in=["large", "moderate", "small", "none_shown", "not_known"]
                ),
                name="claims_claim_effect_size_valid",
            ),
            models.CheckConstraint(
                condition=Q(effect_size="not_known")
                | (~Q(effect_size_text="") & Q(effect_size_source__isnull=False)),
                name="claims_claim_effect_size_cited",
            ),
            # Label information is shown only with the label it comes from.
            models.CheckConstraint(
                condition=Q(label_pregnancy="", label_do_not_use="", label_side_effects="")
                | Q(label_source__isnull=False),
                name="claims_claim_label_cited",
            ),
            # A published claim has a reviewer, a rating and a publication date.
            models.CheckConstraint(
                condition=~Q(status="published")
                | Q(
                    reviewer__isnull=False, current_rating__isnull=False, published_at__isnull=False
                ),
                name="claims_claim_published_is_complete",
            ),
        ]

    def __str__(self):
        return self.text[:80]

    def get_absolute_url(self):
        return reverse("web:claim", kwargs={"slug": self.slug})

    @property
    def shown_grade(self):
        """The letter grade of the verdict readers see (the override's, if any)."""
        return rubric.GRADES.get(self.shown_verdict, "")


class ClaimAppearance(models.Model):
    """Where a claim was seen being made."""

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="appearances")
    url = models.URLField(max_length=500)
    first_seen = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["first_seen", "id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "url"], name="claims_appearance_unique_url"),
        ]

    def __str__(self):
        return self.url


class EvidenceLink(models.Model):
    """What one source says about one claim, with the reviewer's judgement flags."""

    Direction = _text_choices(
        "Direction",
        [
            ("supports", "Supports"),
            ("mixed", "Mixed"),
            ("no_effect", "No effect"),
            ("contradicts", "Contradicts"),
        ],
    )
    RiskOfBias = _text_choices(
        "RiskOfBias",
        [
            (rubric.RiskOfBias.NOT_ASSESSED.value, "Not yet assessed (-1)"),
            (rubric.RiskOfBias.LOW.value, "Low (0)"),
            (rubric.RiskOfBias.SERIOUS.value, "Serious (-1)"),
            (rubric.RiskOfBias.VERY_SERIOUS.value, "Very serious (-2)"),
        ],
    )

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    on_outcome = models.BooleanField(
        default=True, help_text="The source studies this claim's outcome."
    )
    direction = models.CharField(max_length=12, choices=Direction.choices)
    below_mid = models.BooleanField("effect below minimal important difference", default=False)
    restricted_direction = models.CharField(
        max_length=12,
        choices=Direction.choices,
        blank=True,
        help_text="For a review: direction of its analysis restricted to low risk of bias or "
        "independent studies.",
    )
    relative_effect = models.DecimalField(
        max_digits=8,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="Relative risk or ratio, for upgrades.",
    )
    dose_response = models.BooleanField(default=False)
    studies_exact_product = models.BooleanField(default=False)
    risk_of_bias = models.CharField(
        max_length=14, choices=RiskOfBias.choices, default=rubric.RiskOfBias.NOT_ASSESSED
    )
    risk_of_bias_reason = models.TextField(blank=True)
    inconsistency = models.BooleanField(default=False)
    inconsistency_reason = models.TextField(blank=True)
    indirect_population = models.BooleanField(default=False)
    indirect_intervention = models.BooleanField(default=False)
    indirect_outcome = models.BooleanField(default=False)
    indirectness_reason = models.TextField(blank=True)
    unreported_size_small = models.BooleanField(
        "size not reported but known to be small (D4R)", default=False
    )
    imprecision_reason = models.TextField(blank=True)
    provisional = models.BooleanField(default=False, help_text="A judgement still to be confirmed.")
    note = models.TextField(blank=True, help_text="What this source says about this claim.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["claim", "source"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "source"], name="claims_evidence_unique"),
            models.CheckConstraint(
                condition=Q(direction__in=["supports", "mixed", "no_effect", "contradicts"]),
                name="claims_evidence_direction_valid",
            ),
            # Judgement flags that lower certainty must carry their public reason.
            models.CheckConstraint(
                condition=Q(risk_of_bias__in=["not_assessed", "low"]) | ~Q(risk_of_bias_reason=""),
                name="claims_evidence_rob_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(inconsistency=False) | ~Q(inconsistency_reason=""),
                name="claims_evidence_inconsistency_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(
                    indirect_population=False, indirect_intervention=False, indirect_outcome=False
                )
                | ~Q(indirectness_reason=""),
                name="claims_evidence_indirectness_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(unreported_size_small=False) | ~Q(imprecision_reason=""),
                name="claims_evidence_d4r_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(relative_effect__isnull=True) | Q(relative_effect__gt=0),
                name="claims_evidence_relative_effect_positive",
            ),
        ]

    def __str__(self):
        return f"{self.direction} ({self.source_id})"


class Rating(models.Model):
    """An immutable rating: inputs, their hash, the rubric version, outputs and factors.

    Rows are never updated: a database trigger refuses UPDATE (migration 0002), and
    save() refuses to write an existing row.
    """

    Verdict = Claim.Verdict

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="ratings")
    created_at = models.DateTimeField()
    rubric_version = models.CharField(max_length=20)
    inputs_json = models.TextField()
    inputs_sha256 = models.CharField(max_length=64)
    r_code = models.CharField(max_length=3)
    r_points = models.PositiveSmallIntegerField()
    e_level = models.CharField(max_length=10)
    e_direction = models.CharField(max_length=12)
    e_points = models.PositiveSmallIntegerField()
    t_points = models.PositiveSmallIntegerField()
    independent_concordant = models.PositiveSmallIntegerField()
    composite = models.PositiveSmallIntegerField()
    verdict = models.CharField(max_length=20, choices=Verdict.choices)
    verdict_rule = models.PositiveSmallIntegerField()
    score = models.PositiveSmallIntegerField()
    grade = models.CharField(max_length=1)
    claimreview_rating = models.PositiveSmallIntegerField()
    safety_signals = models.JSONField(default=list, blank=True)
    factors = models.JSONField(default=list, blank=True)

    objects = RatingQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "-created_at", "-id"]
        get_latest_by = "created_at"
        indexes = [
            # Filter and order claims by verdict and score through the current rating.
            models.Index(fields=["verdict", "score"], name="claims_rating_verdict_idx"),
            models.Index(fields=["score"], name="claims_rating_score_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="claims_rating_score_range"
            ),
            models.CheckConstraint(
                condition=Q(composite__gte=0, composite__lte=100),
                name="claims_rating_composite_range",
            ),
            models.CheckConstraint(
                condition=Q(verdict__in=[v.value for v in rubric.Verdict]),
                name="claims_rating_verdict_valid",
            ),
            models.CheckConstraint(
                condition=Q(grade__in=list("ABCDF")), name="claims_rating_grade_valid"
            ),
            models.CheckConstraint(
                condition=Q(inputs_sha256__regex=r"^[0-9a-f]{64}$"),
                name="claims_rating_sha256_format",
            ),
            # The same inputs under the same rubric never produce a second row.
            models.UniqueConstraint(
                fields=["claim", "rubric_version", "inputs_sha256"],
                name="claims_rating_unique_inputs",
            ),
        ]

    def __str__(self):
        return f"{self.verdict} {self.score} (rubric {self.rubric_version})"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise ValueError("Ratings are immutable: write a new rating instead.")
        super().save(*args, **kwargs)

    @property
    def verdict_label(self):
        return rubric.VERDICT_LABELS[rubric.Verdict(self.verdict)]


class VerdictChange(models.Model):
    """Public verdict history: every published change of a claim's verdict or score."""

    Kind = _text_choices(
        "Kind",
        [
            ("published", "Published"),
            ("rerated", "Re-rated"),
            ("override", "Override set"),
            ("override_removed", "Override removed"),
            ("retracted", "Retracted"),
        ],
    )

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="verdict_history")
    rating = models.ForeignKey(
        Rating, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    old_verdict = models.CharField(max_length=20, blank=True)
    new_verdict = models.CharField(max_length=20, blank=True)
    old_score = models.PositiveSmallIntegerField(null=True, blank=True)
    new_score = models.PositiveSmallIntegerField(null=True, blank=True)
    rubric_version = models.CharField(max_length=20)
    reason = models.TextField()
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["claim", "-changed_at", "-id"]
        indexes = [
            # Atom feed of new and changed verdicts, newest first.
            models.Index(fields=["-changed_at"], name="claims_vchange_when_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="claims_verdictchange_has_reason"),
        ]

    def __str__(self):
        return f"{self.kind}: {self.old_verdict or '-'} -> {self.new_verdict or '-'}"


class CheckRequest(models.Model):
    """A consumer's "please check this claim", moderated by staff, with a public status page."""

    class Status(models.TextChoices):
        NEW = "new", "Waiting for review"
        ACCEPTED = "accepted", "Accepted: we are checking it"
        DUPLICATE = "duplicate", "Already checked"
        DECLINED = "declined", "Declined"

    public_id = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    claim_text = models.CharField(max_length=300, help_text="The claim, as the visitor saw it.")
    seen_at = models.URLField("where it was seen", max_length=500, blank=True)
    details = models.TextField(blank=True, max_length=2000)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.NEW, editable=False
    )
    decision_reason = models.TextField(
        blank=True, editable=False, help_text="Shown publicly on the status page."
    )
    claim = models.ForeignKey(
        Claim,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="check_requests",
        editable=False,
    )
    # Optional, used only to tell the requester when the status changes, and erased when the
    # request closes (services.check_request_notify); never kept in the audit history.
    notify_email = models.EmailField(blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords(excluded_fields=["notify_email"])

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Moderation queue: newest requests in a given state first.
            models.Index(fields=["status", "-created_at"], name="claims_checkreq_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["new", "accepted", "duplicate", "declined"]),
                name="claims_checkrequest_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(claim_text=""), name="claims_checkrequest_text_not_empty"
            ),
            # A declined request says why, publicly; accepted and duplicate ones link a claim.
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""),
                name="claims_checkrequest_declined_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["accepted", "duplicate"]) | Q(claim__isnull=False),
                name="claims_checkrequest_linked_claim",
            ),
        ]

    def __str__(self):
        return self.claim_text[:80]

    def get_absolute_url(self):
        return reverse("web:request-status", kwargs={"public_id": self.public_id})

    @property
    def closed(self):
        """Declined or answered by a published verdict: nothing more will happen to it."""
        return self.status in (self.Status.DUPLICATE, self.Status.DECLINED)
