"""The role checks themselves (claims/roles.py), through the services that call them: who is
refused, with which words, and the add/change distinction. The rules over every write path
are tests/claims/test_role_rules.py; these are the parts mutation testing found unread."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied

from claimcheck.claims import roles, services
from claimcheck.claims.models import Subject

from ..factories import EvidenceLinkFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


def _user(django_user_model, name, *codenames, **fields):
    user = django_user_model.objects.create_user(name, is_staff=True, **fields)
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return django_user_model.objects.get(pk=user.pk)  # no cached permissions


def _subject_fields():
    return {"name": "Bakuchiol", "kind": "ingredient_class", "source_origin": "plant"}


def test_no_user_is_refused_before_anything_is_read(system_user):
    claim = services.claim_submit_for_review(claim=EvidenceLinkFactory().claim, by=system_user)
    with pytest.raises(PermissionDenied):
        services.claim_publish(claim=claim, by=None, reviewer=ReviewerFactory())
    assert not roles.can(None, roles.PUBLISH)


def test_an_inactive_account_holds_no_right(django_user_model):
    user = _user(django_user_model, "gone", "add_subject", is_active=False)
    with pytest.raises(PermissionDenied):
        services.subject_upsert(by=user, slug="bakuchiol", fields=_subject_fields())
    assert not Subject.objects.exists()


def test_a_refusal_says_why_in_words_a_person_can_act_on(django_user_model, system_user):
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    editor.groups.add(Group.objects.get(name=roles.EDITOR))
    claim = services.claim_submit_for_review(claim=EvidenceLinkFactory().claim, by=system_user)
    with pytest.raises(PermissionDenied) as refused:
        services.claim_publish(claim=claim, by=editor, reviewer=ReviewerFactory())
    assert (
        str(refused.value) == "Only a reviewer can publish, retract or re-rate a published claim."
    )
    nobody = django_user_model.objects.create_user("nobody", is_staff=True)
    with pytest.raises(PermissionDenied) as refused:
        services.subject_upsert(by=nobody, slug="bakuchiol", fields=_subject_fields())
    assert str(refused.value) == "You may not do this."


def test_adding_and_changing_are_separate_rights(django_user_model):
    adder = _user(django_user_model, "adder", "add_subject")
    changer = _user(django_user_model, "changer", "change_subject")
    with pytest.raises(PermissionDenied):
        services.subject_upsert(by=changer, slug="bakuchiol", fields=_subject_fields())
    services.subject_upsert(by=adder, slug="bakuchiol", fields=_subject_fields())
    with pytest.raises(PermissionDenied):
        services.subject_upsert(by=adder, slug="bakuchiol", fields={"name": "Bakuchiol oil"})
    services.subject_upsert(by=changer, slug="bakuchiol", fields={"name": "Bakuchiol oil"})
    assert Subject.objects.get(slug="bakuchiol").name == "Bakuchiol oil"


def test_syncing_the_groups_names_every_permission_that_is_missing():
    Permission.objects.filter(codename__in=["add_claim", "publish_claim"]).delete()
    with pytest.raises(LookupError) as missing:
        roles.sync_groups(group_model=Group, permission_model=Permission)
    assert str(missing.value) == ("Permissions missing for group Editor: [('claims', 'add_claim')]")
