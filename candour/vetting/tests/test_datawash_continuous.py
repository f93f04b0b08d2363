"""Continuous screening: a run keeps its model (``--save-model``), a later run scores with it
(``--model``) and gives the same scores, and an incremental run (a delta of new and changed
national records) raises only what the review queue has not already got."""

import csv
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from candour.core.roles import Role
from candour.factories import UserFactory
from candour.vetting import services
from candour.vetting.datawash import DataWashInputError, run_datawash
from candour.vetting.datawash.generator import generate
from candour.vetting.models import CandidateMatch, CandidateStatus, DataWashRun

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def files(tmp_path_factory):  # type: ignore[no-untyped-def]
    return generate(tmp_path_factory.mktemp("wash"), workforce_size=80, national_size=800, seed=5)


def read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_a_saved_model_reused_gives_the_same_scores(files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = tmp_path / "model.json"
    trained = run_datawash(files.workforce, files.national, tmp_path / "a.csv", save_model=model)
    saved = json.loads(model.read_text())
    assert saved["comparisons"] and saved["probability_two_random_records_match"] > 0
    reused = run_datawash(files.workforce, files.national, tmp_path / "b.csv", model=model)
    assert (tmp_path / "a.csv").read_text() == (tmp_path / "b.csv").read_text()
    assert trained["candidate_pairs"] == reused["candidate_pairs"] > 0
    assert reused["model_file"] == str(model.resolve()) and reused["rule_outs"] is True


def test_a_model_file_that_is_not_a_model_is_refused_with_a_sentence(files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    bad = tmp_path / "model.json"
    bad.write_text('{"link_type": "link_only"}')
    with pytest.raises(DataWashInputError, match="is not a Splink model"):
        run_datawash(files.workforce, files.national, tmp_path / "o.csv", model=bad)
    bad.write_text("not json")
    with pytest.raises(CommandError) as failed:
        call_command(
            "datawash",
            workforce=str(files.workforce),
            national=str(files.national),
            out=str(tmp_path / "o.csv"),
            model=str(bad),
        )
    assert failed.value.returncode == 1 and "is not JSON" in str(failed.value)


def test_the_rule_outs_come_with_the_saved_model(files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = tmp_path / "model.json"
    run_datawash(
        files.workforce, files.national, tmp_path / "a.csv", rule_outs=False, save_model=model
    )
    assert (
        run_datawash(files.workforce, files.national, tmp_path / "b.csv", model=model)["rule_outs"]
        is False
    )
    with pytest.raises(DataWashInputError, match="trained with the rule-outs off"):
        run_datawash(
            files.workforce, files.national, tmp_path / "c.csv", rule_outs=True, model=model
        )


@pytest.mark.django_db
def test_an_incremental_run_raises_only_new_candidates(files, tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = tmp_path / "model.json"
    common = {"workforce": str(files.workforce), "force": "norfolk", "load": True}
    call_command(
        "datawash", national=str(files.national), out=str(tmp_path / "day1.csv"),
        save_model=str(model), **common,
    )  # fmt: skip
    first = DataWashRun.objects.get()
    raised = list(CandidateMatch.objects.filter(run=first).order_by("id"))
    assert len(raised) >= 3
    decided, changed, unchanged = raised[0], raised[1], raised[2]
    officer = UserFactory(role=Role.VETTING_OFFICER, forces=["norfolk"])
    services.decide_candidate(officer, decided.pk, CandidateStatus.NOT_SAME_PERSON)

    # The daily delta: the decided pair's record as it was, another pair's record with a new
    # address, a third pair's record unchanged, and one person's new record.
    national = {r["record_id"]: r for r in read(files.national)}
    moved = {**national[changed.record_id], "address": "1 New Road, Elsewhere"}
    new_record = {**national[unchanged.record_id], "record_id": "N-NEW-1"}
    delta = write(
        tmp_path / "delta.csv",
        [national[decided.record_id], moved, national[unchanged.record_id], new_record],
    )
    call_command(
        "datawash", national=str(delta), out=str(tmp_path / "day2.csv"), model=str(model), **common
    )
    second = DataWashRun.objects.exclude(pk=first.pk).get()
    scored = {(r["person_ref"], r["record_id"]) for r in read(tmp_path / "day2.csv")}
    assert (decided.person_ref, decided.record_id) in scored  # scored again, same record
    assert (unchanged.person_ref, "N-NEW-1") in scored
    again = {(c.person_ref, c.record_id) for c in CandidateMatch.objects.filter(run=second)}
    # Only what is new: the new record, and the pair whose national record changed (if it still
    # scores as a candidate); never the decided or unchanged pairs.
    assert (unchanged.person_ref, "N-NEW-1") in again
    assert (decided.person_ref, decided.record_id) not in again
    assert (unchanged.person_ref, unchanged.record_id) not in again
    assert again <= {(unchanged.person_ref, "N-NEW-1"), (changed.person_ref, changed.record_id)}
    assert second.summary["already_in_queue"] == len(scored) - len(again)
    assert second.summary["model_file"] == str(model.resolve())
    # The decision stands, on the candidate the first run raised.
    assert CandidateMatch.objects.get(pk=decided.pk).status == CandidateStatus.NOT_SAME_PERSON
