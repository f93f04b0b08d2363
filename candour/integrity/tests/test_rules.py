"""Each rule flags the pattern planted for it, naming the facts, and ordinary histories raise
nothing (docs/early-warning.md)."""

from __future__ import annotations

import datetime as dt

import pytest

from candour.cases.models import Case
from candour.core.models import Person
from candour.integrity.rules import Thresholds, run_rules
from candour.integrity.services import serving_on
from candour.integrity.tests.scenarios import AS_OF, case_against, officer

pytestmark = pytest.mark.django_db


def flags(rule: str = "", as_of: dt.date = AS_OF):
    people = serving_on(Person.objects.filter(force_id="cambridgeshire"), as_of)
    cases = Case.objects.filter(force_id="cambridgeshire")
    return run_rules(cases, people, as_of, rules=[rule] if rule else [])


def test_three_cases_in_twelve_months_raise_a_case_cluster_naming_each_case():
    person = officer("P100")
    case_against(person, received=dt.date(2026, 1, 10), ref="CAM/2026/0012")
    case_against(person, received=dt.date(2026, 5, 2), ref="CAM/2026/0031")
    case_against(person, received=dt.date(2026, 9, 20), ref="CAM/2026/0090")
    (flag,) = flags("case_cluster")
    assert flag.person_ref == "P100"
    assert flag.raised_on == dt.date(2026, 9, 20)
    assert flag.explanation == (
        "3 cases in the 12 months from 2 Dec 2025 to 1 Dec 2026 name P100 as a subject: "
        "CAM/2026/0012 (complaint, received 10 Jan 2026), CAM/2026/0031 (complaint, received "
        "2 May 2026), CAM/2026/0090 (complaint, received 20 Sep 2026)."
    )
    assert [fact.as_json() for fact in flag.facts] == [
        {"kind": "case", "ref": "CAM/2026/0012", "date": "2026-01-10"},
        {"kind": "case", "ref": "CAM/2026/0031", "date": "2026-05-02"},
        {"kind": "case", "ref": "CAM/2026/0090", "date": "2026-09-20"},
    ]


def test_the_allegations_of_one_case_count_once():
    person = officer("P101")
    case_against(person, received=dt.date(2026, 3, 1), allegations=5)
    case_against(person, received=dt.date(2026, 4, 1))
    assert flags("case_cluster") == []


def test_cases_spread_over_more_than_twelve_months_are_no_cluster():
    person = officer("P102")
    for received in (dt.date(2025, 11, 15), dt.date(2026, 3, 1), dt.date(2026, 11, 1)):
        case_against(person, received=received)
    assert flags("case_cluster") == []
    assert len(flags("case_cluster", as_of=dt.date(2026, 11, 10))) == 1


def test_the_cluster_threshold_is_the_setting(settings):
    settings.WARNING_CLUSTER_CASES = 2
    person = officer("P103")
    case_against(person, received=dt.date(2026, 3, 1))
    case_against(person, received=dt.date(2026, 4, 1))
    assert [flag.rule for flag in flags()] == ["case_cluster"]
    assert Thresholds.from_settings().cluster_cases == 2


def test_a_theme_in_two_separate_cases_raises_repeated_theme_naming_each_allegation():
    person = officer("P110")
    case_against(person, received=dt.date(2023, 2, 1), category="sexual_harassment", ref="CAM/1")
    case_against(person, received=dt.date(2025, 7, 9), category="sexual_assault", ref="CAM/2")
    (flag,) = flags("repeated_theme")
    assert flag.key == "sexual"
    assert flag.explanation == (
        "Allegations of sexual misconduct against P110 in 2 separate cases since 2 Dec 2021: "
        "CAM/1/A1 (Sexual harassment, received 1 Feb 2023), CAM/2/A1 (Sexual assault, received "
        "9 Jul 2025)."
    )
    assert [(fact.kind, fact.ref) for fact in flag.facts] == [
        ("allegation", "CAM/1/A1"),
        ("allegation", "CAM/2/A1"),
    ]


def test_a_theme_flagged_on_the_allegation_counts_as_well_as_the_categorys():
    person = officer("P111")
    case_against(person, received=dt.date(2024, 2, 1), flags=["domestic_abuse"])
    case_against(person, received=dt.date(2026, 2, 1), flags=["domestic_abuse"])
    case_against(person, received=dt.date(2026, 3, 1), flags=["dishonesty"])
    assert [flag.key for flag in flags("repeated_theme")] == ["domestic_abuse"]


def test_a_theme_in_one_case_or_outside_the_look_back_raises_nothing():
    person = officer("P112")
    case_against(person, received=dt.date(2026, 2, 1), flags=["use_of_force"], allegations=3)
    case_against(person, received=dt.date(2019, 2, 1), flags=["use_of_force"])
    assert flags("repeated_theme") == []


def _complainant(name: str, address: str = "", email: str = "", phone: str = ""):
    return {"name": name, "address": address, "email": email, "phone": phone}


def test_three_unconnected_complainants_raise_a_flag_naming_the_cases_not_the_complainants():
    person = officer("P120")
    case_against(
        person,
        received=dt.date(2022, 5, 1),
        ref="CAM/10",
        complainant=_complainant("Ann Smith", "1 High St", "ann@example.org"),
    )
    case_against(
        person,
        received=dt.date(2024, 5, 1),
        ref="CAM/11",
        complainant=_complainant("Bob Jones", "2 Low Rd", phone="01234 567890"),
    )
    case_against(
        person,
        received=dt.date(2026, 5, 1),
        ref="CAM/12",
        complainant=_complainant("Cat Brown", "3 Mill Lane"),
    )
    (flag,) = flags("unconnected_complainants")
    assert flag.explanation.startswith("3 unconnected complainants")
    assert "CAM/10 (complaint, received 1 May 2022)" in flag.explanation
    assert "CAM/12 (complaint, received 1 May 2026)" in flag.explanation
    assert "Smith" not in flag.explanation and "High St" not in flag.explanation
    assert [fact.ref for fact in flag.facts] == ["CAM/10", "CAM/11", "CAM/12"]


def test_complainants_sharing_an_address_or_a_telephone_are_connected():
    person = officer("P121")
    case_against(
        person, received=dt.date(2022, 5, 1), complainant=_complainant("Ann Smith", "1 High St")
    )
    case_against(
        person,
        received=dt.date(2024, 5, 1),
        complainant=_complainant("Al Smith", "1, High St.", phone="07700 900123"),
    )
    case_against(
        person,
        received=dt.date(2026, 5, 1),
        complainant=_complainant("Cat Brown", "3 Mill Lane", phone="07700900123"),
    )
    assert flags("unconnected_complainants") == []


def test_colleagues_accused_together_in_three_cases_are_each_flagged_naming_the_other():
    one, other, bystander = officer("P130"), officer("P131"), officer("P132")
    case_against(one, other, received=dt.date(2022, 1, 5), ref="CAM/20")
    case_against(one, other, bystander, received=dt.date(2023, 6, 5), ref="CAM/21")
    case_against(other, one, received=dt.date(2025, 3, 5), ref="CAM/22")
    found = flags("co_accused_pair")
    assert [(flag.person_ref, flag.key) for flag in found] == [("P130", "P131"), ("P131", "P130")]
    assert found[0].explanation == (
        "P130 and P131 were accused together in 3 separate cases since 2 Dec 2021: CAM/20 "
        "(complaint, received 5 Jan 2022), CAM/21 (complaint, received 5 Jun 2023), CAM/22 "
        "(complaint, received 5 Mar 2025)."
    )
    assert [fact.ref for fact in found[1].facts] == ["CAM/20", "CAM/21", "CAM/22"]


def test_an_ordinary_force_history_raises_nothing():
    """Forty officers over five years: single complaints, a theme once, colleagues accused
    together once or twice, two cases in a year, complainants who complain again."""
    people = [officer(f"P2{n:02d}") for n in range(40)]
    for n, person in enumerate(people):
        case_against(
            person,
            received=dt.date(2022 + n % 4, 1 + n % 12, 1 + n % 27),
            category="sexual_harassment" if n % 5 == 0 else "use_of_force",
            complainant=_complainant(f"Complainant {n}"),
        )
    for n in range(0, 40, 2):  # partners accused together twice
        case_against(people[n], people[n + 1], received=dt.date(2025, 1 + n % 12, 3))
    for n in range(0, 40, 8):  # two cases in twelve months
        case_against(people[n + 3], received=dt.date(2026, 10, 1))
    same = _complainant("Dee Green", "9 Park Row", "dee@example.org")
    for received in (dt.date(2024, 1, 1), dt.date(2025, 1, 1)):
        case_against(people[7], received=received, complainant=same)
    assert flags() == []


def test_people_who_left_and_cases_received_after_the_day_are_left_out():
    gone = officer("P140", left_date=dt.date(2026, 6, 30))
    later = officer("P141")
    for month in (1, 2, 3):
        case_against(gone, received=dt.date(2026, month, 1))
    case_against(later, received=dt.date(2026, 11, 1))
    case_against(later, received=dt.date(2026, 11, 2))
    case_against(later, received=dt.date(2026, 12, 2))
    assert flags() == []
    assert [flag.person_ref for flag in flags(as_of=dt.date(2026, 5, 1))] == ["P140"]
