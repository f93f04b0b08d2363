"""A person's page: every allegation against them in the cases the viewer may read, across
forces, and their vetting status for vetting officers only."""

import datetime as dt

import pytest
from django.urls import reverse

from candour.core.models import AuditEntry
from candour.core.roles import Role
from candour.factories import AllegationSubjectFactory, PersonFactory, force
from candour.vetting import services as vetting
from candour.vetting.models import Decision

pytestmark = pytest.mark.django_db


def test_lists_allegations_across_the_viewers_forces_only(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["bedfordshire", "cambridgeshire"])
    officer = PersonFactory(ref="P-1", name="Sam Vimes")
    AllegationSubjectFactory(allegation__case__ref="CAM/1", subject=officer)
    AllegationSubjectFactory(
        allegation__case__ref="BED/1",
        allegation__case__force=force("bedfordshire"),
        subject=officer,
        outcome="written_warning",
    )
    AllegationSubjectFactory(
        allegation__case__ref="HER/1",
        allegation__case__force=force("hertfordshire"),
        subject=officer,
    )
    body = client.get(reverse("cases:person", args=[officer.pk])).content.decode()
    assert "CAM/1" in body and "BED/1" in body and "HER/1" not in body
    assert "2 allegations in 2 cases you may read; 1 still open." in body
    assert "Vetting records are open to vetting officers only." in body
    assert AuditEntry.objects.filter(object_type="core.person", object_id=str(officer.pk)).exists()


def test_a_person_of_another_force_is_not_found(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    other = PersonFactory(ref="N-1", force=force("norfolk"))
    assert client.get(reverse("cases:person", args=[other.pk])).status_code == 404


def test_nobody_opens_their_own_record(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    me = PersonFactory(ref="P-ME")
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"], person=me)
    assert client.get(reverse("cases:person", args=[me.pk])).status_code == 404


def test_a_vetting_officer_sees_the_clearance_but_not_the_cases(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.VETTING_OFFICER, ["cambridgeshire"])
    officer = PersonFactory(ref="P-2")
    AllegationSubjectFactory(allegation__case__ref="CAM/SECRET", subject=officer)
    application = vetting.apply_for_vetting(officer, "rv", applied_on=dt.date(2024, 1, 1))
    vetting.decide_vetting(application, Decision.GRANTED, decided_on=dt.date(2024, 2, 1))
    body = client.get(reverse("cases:person", args=[officer.pk])).content.decode()
    assert "CAM/SECRET" not in body
    assert "Case records are open to case workers only." in body
    assert "Cleared" in body


def test_roles_without_cases_or_vetting_are_refused(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.FOI_OFFICER, ["cambridgeshire"])
    officer = PersonFactory(ref="P-3")
    assert client.get(reverse("cases:person", args=[officer.pk])).status_code == 403
    assert client.get(reverse("cases:people"), {"q": "P-3"}).status_code == 403


def test_the_search_finds_people_by_name_collar_number_or_reference(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    PersonFactory(ref="P-9", name="Angua von Uberwald", collar_number="C-12")
    PersonFactory(ref="N-9", name="Angua Other", force=force("norfolk"))
    for text in ["angua", "Uberwald", "c-12", "P-9"]:
        body = client.get(reverse("cases:people"), {"q": text}).content.decode()
        assert "Angua von Uberwald" in body and "Angua Other" not in body, text


def test_an_empty_search_says_what_to_enter(client, signed_in) -> None:  # type: ignore[no-untyped-def]
    signed_in(Role.INVESTIGATOR, ["cambridgeshire"])
    body = client.get(reverse("cases:people"), {"q": ""}).content.decode()
    assert "Enter a name, collar number or person reference." in body
