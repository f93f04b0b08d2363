"""Scenario helpers for vetting tests: a data-wash run with candidate pairs, without running
the linkage engine."""

from __future__ import annotations

from candour.core.models import Person
from candour.factories import force
from candour.vetting.models import CandidateMatch, DataWashRun

WORKFORCE = {
    "forenames": "William James",
    "surname": "Harding",
    "previous_surnames": "",
    "date_of_birth": "1984-03-07",
    "sex": "M",
    "postcode": "NR1 3QH",
    "address": "12 Elm Row, Norwich",
}
NATIONAL = {**WORKFORCE, "forenames": "Bill", "date_of_birth": "1984-07-03"}


def candidate(
    force_code: str = "norfolk",
    person: Person | None = None,
    *,
    record_id: str = "N00000001",
    weight: float = 12.5,
    **fields: object,
) -> CandidateMatch:
    run = DataWashRun.objects.create(
        force=force(force_code),
        workforce_file="/data/workforce.csv",
        national_file="/data/national.csv",
        out_file="/data/out.csv",
        engine="duckdb",
        threshold=0.9,
    )
    return CandidateMatch.objects.create(
        run=run,
        force=force(force_code),
        person=person,
        person_ref=person.ref if person else "W0000001",
        record_id=record_id,
        workforce_record=WORKFORCE,
        national_record=NATIONAL,
        match_probability=0.9993,
        match_weight=weight,
        reasons="forenames: nickname (William, Bill); dob: day and month swapped",
        weight_parts=[
            {"field": "forenames", "label": "Forenames", "weight": 3.2},
            {"field": "surname", "label": "Surname", "weight": 7.9},
            {"field": "date_of_birth", "label": "Date of birth", "weight": -1.1},
        ],
        **fields,
    )
