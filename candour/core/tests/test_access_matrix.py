"""Who sees what, role by role and force by force, through the scoping module, the pages and the
API. The expectations are written out here by hand (not read from candour.core.scoping), so a
change to a rule has to be made in both places on purpose."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from candour.cases.models import Allegation, AllegationSubject, Case
from candour.core import scoping
from candour.core.models import ApiToken, Person
from candour.core.roles import Role
from candour.factories import AllegationSubjectFactory, PersonFactory, UserFactory, force
from candour.transparency.models import FoiAnswer
from candour.transparency.services import record_foi_answer
from candour.transparency.stats import StatsQuery
from candour.vetting import services as vetting
from candour.vetting.models import (
    CandidateMatch,
    DataWashRun,
    Decision,
    VettingAppeal,
    VettingApplication,
    VettingCheck,
)
from candour.vetting.tests.helpers import candidate

pytestmark = pytest.mark.django_db
# Accounts here never sign in with a password (hashing one with Argon2 takes a second).

MINE, OTHER = "norfolk", "suffolk"
NO_ROLE = ""
ROLES = [*Role.values, NO_ROLE]
CASE_READERS = {Role.INVESTIGATOR, Role.APPROPRIATE_AUTHORITY, Role.CCU_ANALYST}
VETTING = {Role.VETTING_OFFICER}
FOI = {Role.FOI_OFFICER}
WORKFORCE = {*CASE_READERS, Role.VETTING_OFFICER, Role.SYSTEM_ADMIN}

# Which roles see a model's rows of their own force; nobody sees another force's.
WHO_SEES: dict[type, set[str]] = {
    Case: CASE_READERS,
    Allegation: CASE_READERS,
    AllegationSubject: CASE_READERS,
    Person: WORKFORCE,
    VettingApplication: VETTING,
    VettingCheck: VETTING,
    VettingAppeal: VETTING,
    DataWashRun: VETTING,
    CandidateMatch: VETTING,
    FoiAnswer: FOI,
}


_FIGURES: dict[str, Any] = {}


def foi_answer(code: str) -> FoiAnswer:
    """An FOI answer about one force. The figures are counted once per test run (counting
    builds the statistics store, which is slow) and copied: this file tests who reads them."""
    officer = UserFactory(role=Role.FOI_OFFICER, forces=[code], password=None)
    if not _FIGURES:
        query = StatsQuery(count="cases", by=("year",), forces=(code,))
        first = record_foi_answer(
            officer, query, reference=f"FOI/{code}", request_text="How many?", threshold=5
        )
        _FIGURES.update(query=first.query, figures=first.figures, sentences=first.sentences)
        return first
    answer = FoiAnswer.objects.create(
        reference=f"FOI/{code}",
        request_text="How many?",
        threshold=5,
        created_by=officer,
        **_FIGURES,
    )
    answer.forces.set([force(code)])
    return answer


@dataclass
class Records:
    """One of everything in a force."""

    case: Case
    allegation: Allegation
    part: AllegationSubject
    person: Person
    application: VettingApplication
    check: VettingCheck
    appeal: VettingAppeal
    run: DataWashRun
    candidate: CandidateMatch
    answer: FoiAnswer

    def of(self, model: type) -> Any:
        return next(v for v in vars(self).values() if isinstance(v, model))


def records_of(code: str) -> Records:
    part = AllegationSubjectFactory(
        allegation__case__force=force(code), allegation__case__ref=f"{code}/CASE"
    )
    person = PersonFactory(force=force(code), ref=f"{code}-VETTED")
    application = vetting.apply_for_vetting(person, "rv", applied_on=dt.date(2024, 1, 2))
    check = vetting.record_check(application, "pnc", "adverse")
    vetting.decide_vetting(application, Decision.REFUSED, reason="criminal_record")
    appeal = vetting.lodge_appeal(application, "The caution was spent.")
    match = candidate(code, person, record_id=f"{code}-N1")
    answer = foi_answer(code)
    return Records(
        case=part.allegation.case,
        allegation=part.allegation,
        part=part,
        person=person,
        application=application,
        check=check,
        appeal=appeal,
        run=match.run,
        candidate=match,
        answer=answer,
    )


@pytest.fixture
def world() -> dict[str, Records]:
    return {MINE: records_of(MINE), OTHER: records_of(OTHER)}


@pytest.mark.parametrize("role", ROLES)
def test_scoping_gives_each_role_only_its_own_forces_rows(world, role) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(role=role, forces=[MINE], password=None)
    for model, roles in WHO_SEES.items():
        seen = set(scoping.visible_to(user, model).values_list("pk", flat=True))
        mine, other = world[MINE].of(model).pk, world[OTHER].of(model).pk
        assert (mine in seen) == (role in roles), (model.__name__, role)
        assert other not in seen, (model.__name__, role)


def test_a_user_of_both_forces_sees_both(world) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(role=Role.INVESTIGATOR, forces=[MINE, OTHER], password=None)
    assert set(scoping.visible_to(user, Case)) == {world[MINE].case, world[OTHER].case}


def test_an_inactive_user_sees_nothing(world) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(role=Role.INVESTIGATOR, forces=[MINE], is_active=False, password=None)
    assert not scoping.visible_to(user, Case).exists()


def test_out_of_scope_is_the_same_error_as_missing(world) -> None:  # type: ignore[no-untyped-def]
    user = UserFactory(role=Role.VETTING_OFFICER, forces=[MINE], password=None)
    assert scoping.get_visible(user, VettingApplication, pk=world[MINE].application.pk)
    with pytest.raises(VettingApplication.DoesNotExist):
        scoping.get_visible(user, VettingApplication, pk=world[OTHER].application.pk)
    with pytest.raises(VettingApplication.DoesNotExist):
        scoping.get_visible(user, VettingApplication, pk=10**9)


# --- Pages --------------------------------------------------------------------------------

# (page, the object it shows, the roles whose capability opens the page)
PAGES = [
    ("cases:detail", Case, CASE_READERS),
    ("vetting:person", Person, VETTING),
    ("vetting:application", VettingApplication, VETTING),
    ("vetting:candidate", CandidateMatch, VETTING),
    ("transparency:foi_answer", FoiAnswer, FOI),
]


@pytest.mark.parametrize("role", ROLES)
def test_pages_answer_403_404_or_200_by_role_and_force(client, signed_in, world, role) -> None:  # type: ignore[no-untyped-def]
    signed_in(role, [MINE], password=None)
    for name, model, roles in PAGES:
        for code in (MINE, OTHER):
            url = reverse(name, args=[world[code].of(model).pk])
            expected = 403 if role not in roles else 200 if code == MINE else 404
            assert client.get(url).status_code == expected, (name, code, role)


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_only_the_users_forces(client, signed_in, world, role) -> None:  # type: ignore[no-untyped-def]
    signed_in(role, [MINE], password=None)
    lists = [
        ("cases:list", CASE_READERS, "/CASE"),
        ("vetting:queue", VETTING, "-VETTED"),
        ("vetting:candidates", VETTING, "-VETTED"),
        ("transparency:foi_answers", FOI, "FOI/"),
    ]
    for name, roles, marker in lists:
        response = client.get(reverse(name))
        if role not in roles:
            assert response.status_code == 403, (name, role)
            continue
        body = response.content.decode()
        assert f"{MINE}{marker}" in body or f"{marker}{MINE}" in body, (name, role)
        assert OTHER not in body.replace("Suffolk", ""), (name, role)


# --- API ----------------------------------------------------------------------------------


def bearer(role: str, forces: list[str]) -> dict[str, str]:
    _, raw = ApiToken.issue(UserFactory(role=role, forces=forces, password=None))
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.mark.parametrize("role", ROLES)
def test_the_api_answers_by_role_and_force(client: Client, world, role) -> None:  # type: ignore[no-untyped-def]
    auth = bearer(role, [MINE])
    reads = role in CASE_READERS
    own = client.get(f"/api/cases/{world[MINE].case.pk}", **auth)
    other = client.get(f"/api/cases/{world[OTHER].case.pk}", **auth)
    assert own.status_code == (200 if reads else 403)
    assert other.status_code == (404 if reads else 403)
    listed = client.get("/api/cases", **auth)
    assert listed.status_code == (200 if reads else 403)
    if reads:
        assert [c["case_ref"] for c in listed.json()["items"]] == [f"{MINE}/CASE"]
    counts = client.get("/api/vetting/counts?date_from=2024-01-01&date_to=2024-12-31", **auth)
    assert counts.status_code == (200 if role in VETTING else 403)
    stats = client.get("/api/transparency/stats?by=year", **auth)
    assert stats.status_code == (403 if role in (Role.SYSTEM_ADMIN, NO_ROLE) else 200)


def test_api_refusals_are_one_envelope(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    investigator = bearer(Role.INVESTIGATOR, [MINE])
    responses = {
        401: client.get("/api/cases"),
        403: client.get("/api/cases", **bearer(Role.PCC_OFFICE, [MINE])),
        404: client.get(f"/api/cases/{world[OTHER].case.pk}", **investigator),
        422: client.get("/api/cases/not-a-number", **investigator),
    }
    for status, response in responses.items():
        assert response.status_code == status
        body = response.json()
        assert set(body) == {"detail", "errors"}, (status, body)
        assert isinstance(body["detail"], str) and body["detail"].endswith("."), body
    assert responses[422].json()["errors"][0]["field"] == "case_id"


def test_a_missing_case_and_another_forces_case_answer_alike(client: Client, world) -> None:  # type: ignore[no-untyped-def]
    auth = bearer(Role.INVESTIGATOR, [MINE])
    other = client.get(f"/api/cases/{world[OTHER].case.pk}", **auth)
    missing = client.get("/api/cases/999999999", **auth)
    assert (other.status_code, other.json()) == (missing.status_code, missing.json())
