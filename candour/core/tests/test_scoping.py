"""The scoping rules that are more than "your forces": nobody reaches a record about themselves,
a row about several forces needs all of them, and a model nobody scoped is an error."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.urls import reverse

from candour.core import scoping
from candour.core.models import Person
from candour.core.roles import Role
from candour.factories import PersonFactory, UserFactory, force
from candour.transparency.models import FoiAnswer
from candour.vetting import services as vetting
from candour.vetting.models import CandidateMatch, VettingApplication
from candour.vetting.tests.helpers import candidate

pytestmark = pytest.mark.django_db


def test_a_vetting_officer_never_sees_their_own_vetting_record(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    me = PersonFactory(force=force("norfolk"), ref="ME")
    colleague = PersonFactory(force=force("norfolk"), ref="COLLEAGUE")
    mine = vetting.apply_for_vetting(me, "mv", applied_on=dt.date(2024, 3, 1))
    theirs = vetting.apply_for_vetting(colleague, "mv", applied_on=dt.date(2024, 3, 1))
    match = candidate("norfolk", me)
    user = signed_in(Role.VETTING_OFFICER, ["norfolk"], person=me, password=None)

    assert list(scoping.visible_to(user, VettingApplication)) == [theirs]
    assert not scoping.visible_to(user, CandidateMatch).exists()
    assert client.get(reverse("vetting:application", args=[mine.pk])).status_code == 404
    assert client.get(reverse("vetting:person", args=[me.pk])).status_code == 404
    assert client.get(reverse("vetting:candidate", args=[match.pk])).status_code == 404
    assert client.get(reverse("vetting:application", args=[theirs.pk])).status_code == 200
    queue = client.get(reverse("vetting:queue")).content.decode()
    assert "COLLEAGUE" in queue and ">ME<" not in queue


def test_a_vetting_officer_cannot_decide_their_own_application(signed_in) -> None:  # type: ignore[no-untyped-def]
    me = PersonFactory(force=force("norfolk"))
    mine = vetting.apply_for_vetting(me, "mv")
    user = UserFactory(role=Role.VETTING_OFFICER, forces=["norfolk"], person=me, password=None)
    with pytest.raises(VettingApplication.DoesNotExist):
        vetting.application_for(user, mine.pk)


def test_nobody_reads_their_own_workforce_record() -> None:
    me = PersonFactory(force=force("norfolk"))
    other = PersonFactory(force=force("norfolk"))
    user = UserFactory(role=Role.INVESTIGATOR, forces=["norfolk"], person=me, password=None)
    assert set(scoping.visible_to(user, Person)) == {other}


def answer_about(*codes: str) -> FoiAnswer:
    answer = FoiAnswer.objects.create(
        reference="FOI/1",
        request_text="How many?",
        query={},
        threshold=5,
        figures={},
        created_by=UserFactory(role=Role.FOI_OFFICER, password=None),
    )
    answer.forces.set([force(code) for code in codes])
    return answer


def test_an_foi_answer_needs_every_one_of_its_forces() -> None:
    both = answer_about("norfolk", "suffolk")
    norfolk = answer_about("norfolk")
    officer = UserFactory(role=Role.FOI_OFFICER, forces=["norfolk"], password=None)
    assert list(scoping.visible_to(officer, FoiAnswer)) == [norfolk]
    officer_of_both = UserFactory(
        role=Role.FOI_OFFICER, forces=["norfolk", "suffolk"], password=None
    )
    assert set(scoping.visible_to(officer_of_both, FoiAnswer)) == {both, norfolk}


def test_an_foi_answer_about_no_force_is_nobodys(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    orphan = answer_about()
    signed_in(Role.FOI_OFFICER, ["norfolk"], password=None)
    assert client.get(reverse("transparency:foi_answer", args=[orphan.pk])).status_code == 404


def test_an_unscoped_model_is_refused_loudly() -> None:
    from candour.cases.models import Category

    with pytest.raises(LookupError, match="no scope"):
        scoping.visible_to(UserFactory(password=None), Category)


# Models of Candour's apps that point at a force, a person, a user or a case but hold no personal
# data, with the reason; every other such model must have a scope.
NOT_PERSONAL = {
    "transparency.publishedfigure": "figures other bodies published, about a force",
    "transparency.statstate": "the statistics store's bookkeeping",
    "core.datachange": "a serial per data source",
    "streetsafe.report": "anonymous: no name, address, IP address or free text (docs/streetsafe.md)",
    "streetsafe.areaaction": "what a force did in an area, shown publicly beside the reports",
}


def test_every_model_that_can_hold_personal_data_has_a_scope() -> None:
    personal = {"core.force", "core.person", "core.user", "cases.case"}
    unscoped = []
    for model in apps.get_models():
        label = model._meta.label_lower
        if not label.startswith(("core.", "cases.", "vetting.", "transparency.", "streetsafe.")):
            continue
        related = {
            f.related_model._meta.label_lower
            for f in model._meta.get_fields()
            if f.is_relation and f.concrete and f.related_model is not None
        }
        if related & personal and label not in NOT_PERSONAL and not scoping.is_scoped(model):
            unscoped.append(label)
    assert unscoped == [], f"add a Scope in candour.core.scoping for: {unscoped}"
