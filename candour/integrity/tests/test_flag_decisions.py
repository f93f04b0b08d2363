"""Flags for a reader come from the cases they may read; a flag decided "no action" is not
raised again for the same facts, and a new fact raises it afresh (docs/early-warning.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from candour.core.models import AuditEntry
from candour.core.roles import Role
from candour.factories import UserFactory
from candour.integrity.models import Decision, FlagDecision
from candour.integrity.services import DecisionRefused, decide_flag, flags_for, force_warnings
from candour.integrity.tests.scenarios import AS_OF, case_against, officer

pytestmark = pytest.mark.django_db


def analyst(forces=("cambridgeshire",), **fields):
    return UserFactory(role=Role.CCU_ANALYST, forces=list(forces), **fields)


def plant_cluster(person, months=(1, 4, 8)):
    for month in months:
        case_against(person, received=dt.date(2026, month, 3))


def test_an_analyst_sees_the_flags_of_their_forces_only():
    plant_cluster(officer("P300"))
    assert [flag.person_ref for flag in flags_for(analyst(), AS_OF)] == ["P300"]
    assert flags_for(analyst(forces=["norfolk"]), AS_OF) == []


def test_an_analyst_is_never_shown_a_flag_about_themselves():
    me = officer("P301")
    plant_cluster(me)
    assert flags_for(analyst(person=me), AS_OF) == []


def test_a_no_action_decision_holds_until_a_new_fact_arrives():
    person = officer("P302")
    plant_cluster(person)
    user = analyst()
    (flag,) = flags_for(user, AS_OF)
    decision = decide_flag(flag, decision=Decision.NO_ACTION, reason="Unrelated matters.", by=user)
    assert decision.facts == [fact.as_json() for fact in flag.facts]
    assert flags_for(user, AS_OF) == []
    assert force_warnings("cambridgeshire", AS_OF).flags == []
    case_against(person, received=dt.date(2026, 10, 3))
    (again,) = flags_for(user, AS_OF)
    assert again.fingerprint != flag.fingerprint and len(again.facts) == 4


def test_a_decision_to_act_leaves_the_flag_raised_and_is_audited():
    person = officer("P303")
    plant_cluster(person)
    user = analyst()
    (flag,) = flags_for(user, AS_OF)
    decide_flag(flag, decision=Decision.REFER_TO_PSD, reason="Pattern of conduct.", by=user)
    assert flags_for(user, AS_OF) == [flag]
    entry = AuditEntry.objects.filter(object_type="integrity.flagdecision").get()
    assert entry.username == user.username and entry.force_code == "cambridgeshire"
    with pytest.raises(DecisionRefused, match="already been decided"):
        decide_flag(flag, decision=Decision.ADVICE, reason="Again.", by=user)


def test_a_decision_needs_a_reason():
    plant_cluster(officer("P304"))
    user = analyst()
    (flag,) = flags_for(user, AS_OF)
    with pytest.raises(DecisionRefused, match="reason"):
        decide_flag(flag, decision=Decision.ADVICE, reason="  ", by=user)
    assert not FlagDecision.objects.exists()


def test_the_flags_of_one_person_include_a_pairing_with_a_colleague():
    one, other = officer("P305"), officer("P306")
    for year in (2022, 2023, 2024):
        case_against(one, other, received=dt.date(year, 2, 2))
    found = flags_for(analyst(), AS_OF, person=one)
    assert [(flag.person_ref, flag.rule, flag.key) for flag in found] == [
        ("P305", "co_accused_pair", "P306")
    ]
