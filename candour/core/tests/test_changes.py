"""Change marks (candour.core.changes): every write path raises its source's serial, inside
its transaction, and nothing else does."""

from __future__ import annotations

import pytest
from django.db import transaction

from candour.cases.models import AllegationSubject
from candour.core import changes
from candour.factories import (
    AllegationFactory,
    AllegationSubjectFactory,
    CaseFactory,
    PersonFactory,
)

pytestmark = pytest.mark.django_db


def test_marking_a_source_raises_its_serial_and_no_other() -> None:
    cases, workforce = changes.serial("cases"), changes.serial("workforce")
    changes.mark_changed("cases")
    assert changes.serial("cases") > cases
    assert changes.serial("workforce") == workforce


def test_a_source_never_marked_starts_at_zero_and_is_created_on_first_mark() -> None:
    from candour.core.models import DataChange

    DataChange.objects.all().delete()
    assert changes.stamp("cases", "workforce") == "cases=0;workforce=0"
    changes.mark_changed("workforce")
    assert changes.stamp("workforce", "cases") == "cases=0;workforce=1"


def test_an_undeclared_source_is_refused_with_a_sentence() -> None:
    with pytest.raises(ValueError, match="not a declared source"):
        changes.mark_changed("vettting")


def test_a_plain_save_of_one_subjects_outcome_marks_cases() -> None:
    part = AllegationSubjectFactory()
    before = changes.serial("cases")
    part.outcome = "written_warning"
    part.save()
    assert changes.serial("cases") > before


def test_adding_or_removing_a_flag_marks_cases() -> None:
    allegation = AllegationFactory()
    before = changes.serial("cases")
    allegation.flags.add("sexual")
    middle = changes.serial("cases")
    allegation.flags.clear()
    assert before < middle < changes.serial("cases")


def test_deleting_a_case_marks_cases() -> None:
    case = CaseFactory()
    before = changes.serial("cases")
    case.delete()
    assert changes.serial("cases") > before


def test_saving_a_person_marks_the_workforce_not_cases() -> None:
    cases, workforce = changes.serial("cases"), changes.serial("workforce")
    PersonFactory(ref="NEW-PERSON")
    assert changes.serial("workforce") > workforce
    assert changes.serial("cases") == cases


def test_a_deferred_block_marks_once_at_its_end_and_not_at_all_when_it_fails() -> None:
    part = AllegationSubjectFactory()
    before = changes.serial("cases")
    with changes.deferred():
        for outcome in ("written_warning", "final_written_warning", "dismissal_with_notice"):
            part.outcome = outcome
            part.save()
        assert changes.serial("cases") == before  # not yet: late in the transaction
    assert changes.serial("cases") == before + 1
    with pytest.raises(RuntimeError), changes.deferred():
        part.outcome = "not_proven"
        part.save()
        raise RuntimeError("the change failed")
    assert changes.serial("cases") == before + 1
    assert AllegationSubject.objects.get(pk=part.pk).outcome == "dismissal_with_notice"


def test_a_mark_rolled_back_with_its_transaction_is_gone() -> None:
    before = changes.serial("cases")
    with pytest.raises(RuntimeError), transaction.atomic():
        changes.mark_changed("cases")
        raise RuntimeError("rolled back")
    assert changes.serial("cases") == before
