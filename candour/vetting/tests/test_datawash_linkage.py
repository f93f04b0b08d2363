"""On small generated files, the data wash finds people through the errors real records carry and
does not confuse twins, or fathers and sons, with each other."""

import csv
import math

import pandas as pd
import pytest

from candour.vetting.datawash import OUTPUT_COLUMNS, STEPS, run_datawash
from candour.vetting.datawash.comparisons import FIELDS, OPTIONAL_FIELDS
from candour.vetting.datawash.evaluation import blocking_recall, pairs, precision_recall
from candour.vetting.datawash.generator import generate

# The generated files have no ni_number column, so no pair has an NI number to show.
SHOWN_FIELDS = [f.name for f in FIELDS if f.name not in OPTIONAL_FIELDS]


@pytest.fixture(scope="module")
def washed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("datawash")
    files = generate(
        folder,
        workforce_size=400,
        national_size=6_000,
        seed=11,
        twin_share=0.05,
        father_son_share=0.08,
    )
    calls = []
    summary = run_datawash(
        files.workforce,
        files.national,
        folder / "candidates.csv",
        progress=lambda step, done, total: calls.append((step, done, total)),
    )
    out = pd.read_csv(folder / "candidates.csv", dtype=str)
    truth = pd.read_csv(files.truth, dtype=str, keep_default_na=False)
    return {
        "files": files,
        "summary": summary,
        "out": out,
        "truth": truth,
        "calls": calls,
        "path": folder / "candidates.csv",
    }


def found_share(washed, error_kind: str) -> tuple[float, pd.DataFrame]:
    """Share of true pairs whose only error is ``error_kind`` that were found, and those found."""
    truth = washed["truth"]
    only = truth[truth["errors"] == error_kind]
    assert len(only), f"the generated data should hold pairs with only {error_kind}"
    hits = only.merge(washed["out"], on=["person_ref", "record_id"])
    return len(hits) / len(only), hits


def test_the_output_has_exactly_the_interchange_columns(washed):
    with washed["path"].open(newline="") as handle:
        assert next(csv.reader(handle)) == list(OUTPUT_COLUMNS)


def test_it_finds_known_as_names(washed):
    share, hits = found_share(washed, "nickname")
    assert share >= 0.9
    assert hits["reasons"].str.contains("forenames: nickname").all()


def test_it_finds_maiden_surnames(washed):
    share, hits = found_share(washed, "maiden_surname")
    assert share >= 0.9
    assert hits["reasons"].str.contains("surname: previous surname").all()


def test_it_finds_day_and_month_swapped(washed):
    share, hits = found_share(washed, "dob_swapped")
    assert share >= 0.9
    assert hits["reasons"].str.contains("dob: day and month swapped").all()


def test_it_finds_typos_in_names(washed):
    for kind in ("forename_typo", "surname_typo"):
        share, hits = found_share(washed, kind)
        assert share >= 0.8, kind
        assert hits["reasons"].str.contains("spelling|middle name|initial").any(), kind


def test_it_finds_people_who_moved(washed):
    share, _ = found_share(washed, "moved_elsewhere")
    assert share >= 0.9


def test_it_finds_several_national_records_for_one_person(washed):
    counts = washed["out"]["person_ref"].value_counts()
    assert counts.max() > 1


def test_twins_and_fathers_and_sons_are_not_matched(washed):
    hard = pairs(washed["files"].hard_non_matches)
    assert len(hard) > 10
    assert not (pairs(washed["path"]) & hard)


def test_overall_precision_and_recall_are_high(washed):
    result = precision_recall(pairs(washed["path"]), pairs(washed["files"].truth))
    assert result["precision"] >= 0.98
    assert result["recall"] >= 0.9


def test_blocking_keeps_nearly_every_true_pair(washed):
    files = washed["files"]
    assert blocking_recall(files.workforce, files.national, files.truth)["recall_all_rules"] >= 0.97


def test_the_summary_counts_what_was_written(washed):
    summary = washed["summary"]
    assert summary["candidate_pairs"] == len(washed["out"])
    assert summary["workforce_records"] == 400
    assert summary["national_records"] == 6_000
    assert summary["estimated_comparisons"] > 0


def test_progress_is_reported_for_every_step(washed):
    assert [done for _, done, _ in washed["calls"]] == list(range(len(STEPS) + 1))
    assert all(total == len(STEPS) for _, _, total in washed["calls"])


def test_weight_parts_explain_each_written_pair(washed):
    parts = washed["summary"]["weight_parts"]
    out = washed["out"]
    assert set(parts) == set(zip(out["person_ref"], out["record_id"], strict=True))
    prior = washed["summary"]["probability_two_random_records_match"]
    prior_weight = math.log2(prior / (1 - prior))
    for row in out.itertuples():
        fields = parts[(row.person_ref, row.record_id)]
        assert [p["field"] for p in fields] == SHOWN_FIELDS
        # Every label is that field's entry in the reasons column.
        assert "; ".join(p["label"] for p in fields) == row.reasons
        # The parts and the prior add up to the pair's match weight.
        total = prior_weight + sum(p["weight"] for p in fields)
        assert total == pytest.approx(float(row.match_weight), abs=0.02)


@pytest.mark.django_db
def test_the_review_queue_stores_and_draws_the_real_weight_parts(washed):
    from candour.factories import force
    from candour.vetting import services

    files, summary = washed["files"], washed["summary"]
    run = services.record_datawash_run(
        workforce_file=str(files.workforce),
        national_file=str(files.national),
        out_file=str(washed["path"]),
        engine="duckdb",
        threshold=summary["threshold"],
        summary=summary,
        force=force("norfolk"),
    )
    assert "weight_parts" not in run.summary
    services.load_candidates(run, force("norfolk"), weight_parts=summary["weight_parts"])
    candidate = run.candidates.order_by("-match_weight").first()
    bars = services.weight_bars(candidate)
    assert [b["field"] for b in bars] == SHOWN_FIELDS
    assert bars[0]["label"].startswith("forenames: ")
    assert any(b["size"] == 10 for b in bars)  # the largest part fills the bar


def test_files_without_an_ni_number_column_give_no_ni_number_reasons(washed):
    assert "ni_number" not in washed["out"]["reasons"].str.cat(sep=" ")
