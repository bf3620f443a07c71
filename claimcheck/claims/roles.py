"""Who may do what: the two staff roles and the one check every service makes.

Editors draft and curate; reviewers (medical reviewers) also judge evidence, publish, retract
and override. The groups are created by a data migration (accounts 0002) from `GROUPS` below,
and every service calls `require()`, so the admin, the API and management commands obey the
same rules. Management commands act as the system user, which may do everything and is
attributed by name in the history.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied

EDITOR = "Editor"
REVIEWER = "Reviewer"

# Capabilities, each a Django permission ("app_label.codename").
PUBLISH = "claims.publish_claim"
OVERRIDE = "claims.override_verdict"
JUDGE = "claims.judge_evidence"
MODERATE = "claims.change_checkrequest"
PUBLISH_ARTICLE = "articles.publish_article"
DECIDE_FINDING = "watch.decide_finding"

_CURATED = {
    "claims": [
        "subject",
        "claim",
        "source",
        "evidencelink",
        "claimappearance",
        "transparencyitem",
        "regulatoryrecord",
        "safetysignal",
        "concern",
    ],
    "articles": ["article"],
}
_EDITOR_CODENAMES = [
    (app, f"{action}_{model}")
    for app, models in _CURATED.items()
    for model in models
    for action in ("view", "add", "change")
] + [
    ("claims", "delete_evidencelink"),
    ("claims", "delete_claimappearance"),
    ("claims", "delete_transparencyitem"),
    ("claims", "view_checkrequest"),
    ("claims", "change_checkrequest"),
    ("claims", "view_rating"),
    ("claims", "view_verdictchange"),
    ("claims", "view_reviewerprofile"),
    ("watch", "view_finding"),
    ("watch", "view_watchrun"),
]
_REVIEWER_EXTRA = [
    ("claims", "publish_claim"),
    ("claims", "override_verdict"),
    ("claims", "judge_evidence"),
    ("articles", "publish_article"),
    ("claims", "change_reviewerprofile"),
    ("watch", "decide_finding"),
]

# Group name -> [(app_label, codename)]; the data migration creates exactly these.
GROUPS = {
    EDITOR: _EDITOR_CODENAMES,
    REVIEWER: _EDITOR_CODENAMES + _REVIEWER_EXTRA,
}


def sync_groups(*, group_model, permission_model, strict=True):
    """Give each group in GROUPS exactly its listed permissions (creating the group).

    Called by the data migration (strict: every permission must exist, except those of apps
    with no content type yet, such as an app added after that migration) and after every
    migrate or test-database flush (not strict: permissions of apps not yet migrated are
    skipped; the last app's pass completes the set), so the groups always match this file."""
    from django.db.models import Q

    content_types = permission_model._meta.get_field("content_type").related_model
    migrated = set(content_types.objects.values_list("app_label", flat=True).distinct())
    for name, codenames in GROUPS.items():
        if strict:
            codenames = [(app, codename) for app, codename in codenames if app in migrated]
        wanted = Q()
        for app_label, codename in codenames:
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        permissions = list(permission_model.objects.filter(wanted))
        if strict and len(permissions) != len(codenames):
            found = {(p.content_type.app_label, p.codename) for p in permissions}
            missing = sorted(set(codenames) - found)
            raise LookupError(f"Permissions missing for group {name}: {missing}")
        group, _ = group_model.objects.get_or_create(name=name)
        group.permissions.set(permissions)


def is_system(user):
    return getattr(user, "username", None) == settings.SYSTEM_USERNAME


def can(user, permission):
    """True if `user` holds `permission` (superusers and the system user hold all)."""
    if user is None:
        return False
    if is_system(user):
        return True
    return bool(user.is_active and user.has_perm(permission))


def require(user, permission, message=None):
    """Raise PermissionDenied with a plain message unless `user` holds `permission`."""
    if not can(user, permission):
        raise PermissionDenied(message or _MESSAGES.get(permission, "You may not do this."))


def edit_permission(instance):
    """The permission needed to create or change `instance` ("claims.change_claim")."""
    meta = instance._meta
    action = "add" if instance._state.adding else "change"
    return f"{meta.app_label}.{action}_{meta.model_name}"


_MESSAGES = {
    PUBLISH: "Only a reviewer can publish, retract or re-rate a published claim.",
    OVERRIDE: "Only a reviewer can override a verdict.",
    JUDGE: "Only a reviewer can set the judgement flags (risk of bias, inconsistency, "
    "indirectness).",
    MODERATE: "You may not moderate check requests.",
    PUBLISH_ARTICLE: "Only a reviewer can publish or retract an article.",
    DECIDE_FINDING: "Only a reviewer can accept or dismiss an evidence-watch finding.",
}
