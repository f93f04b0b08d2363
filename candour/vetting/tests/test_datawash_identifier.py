"""The optional ``ni_number`` column (an extension of interchange §3): a shared NI number lifts the
twin and father/son rule-outs, a different one does not, and temporary numbers count as missing."""

import pandas as pd
import pytest

from candour.vetting.datawash import run_datawash
from candour.vetting.datawash.generator import generate


def ni(i: int) -> str:
    return f"AB{i:06d}C"


@pytest.fixture(scope="module")
def washed(tmp_path_factory):
    folder = tmp_path_factory.mktemp("datawash-ni")
    files = generate(
        folder, workforce_size=300, national_size=4_000, seed=5, twin_share=0.1,
        father_son_share=0.1,
    )  # fmt: skip
    workforce = pd.read_csv(files.workforce, dtype=str, keep_default_na=False)
    national = pd.read_csv(files.national, dtype=str, keep_default_na=False)
    truth = pd.read_csv(files.truth, dtype=str, keep_default_na=False)
    hard = pd.read_csv(files.hard_non_matches, dtype=str, keep_default_na=False)

    number = {ref: ni(i) for i, ref in enumerate(workforce["person_ref"])}
    workforce["ni_number"] = workforce["person_ref"].map(number)
    # Everyone else in the national file has a number of their own.
    national["ni_number"] = [ni(100_000 + i) for i in range(len(national))]
    by_id = national.set_index("record_id")
    for row in truth.itertuples():
        by_id.loc[row.record_id, "ni_number"] = number[row.person_ref]

    # Ten true pairs whose national record has a replaced first name (what a twin looks like) and
    # the same NI number; five more with the NI number mistyped (its last digit).
    plain = truth[truth["errors"] == ""].head(15)
    replaced = list(plain["record_id"])
    by_id.loc[replaced, "forenames"] = "Quentin"
    for record_id in replaced[10:]:
        value = by_id.loc[record_id, "ni_number"]
        by_id.loc[record_id, "ni_number"] = value[:7] + str((int(value[7]) + 1) % 10) + value[8:]

    # Twins of the first five twinned workforce members share a temporary number with them: a
    # TN number is made from the date of birth and sex, so it says nothing about who is who.
    twins = hard[(hard["kind"] == "twin") & ~hard["person_ref"].isin(plain["person_ref"])].head(5)
    for row in twins.itertuples():
        person = workforce["person_ref"] == row.person_ref
        workforce.loc[person, "ni_number"] = "TN 01 01 80 M"
        by_id.loc[row.record_id, "ni_number"] = "TN 01 01 80 M"

    by_id.reset_index().to_csv(folder / "national-ni.csv", index=False)
    workforce.to_csv(folder / "workforce-ni.csv", index=False)
    run_datawash(folder / "workforce-ni.csv", folder / "national-ni.csv", folder / "out.csv")
    out = pd.read_csv(folder / "out.csv", dtype=str)
    found = set(zip(out["person_ref"], out["record_id"], strict=True))
    return {
        "out": out,
        "found": found,
        "truth": truth,
        "hard": hard,
        "replaced": plain,
        "tn_twins": twins,
    }


def test_a_shared_ni_number_finds_a_record_whose_first_name_was_replaced(washed):
    same = washed["replaced"].head(10)
    hits = same.merge(washed["out"], on=["person_ref", "record_id"])
    assert len(hits) == 10
    assert hits["reasons"].str.contains("forenames: different").all()
    assert hits["reasons"].str.contains("ni_number: same").all()


def test_one_typing_error_in_the_ni_number_also_lifts_the_rule_out(washed):
    mistyped = washed["replaced"].tail(5)
    hits = mistyped.merge(washed["out"], on=["person_ref", "record_id"])
    assert len(hits) == 5
    assert hits["reasons"].str.contains("ni_number: one character different").all()


def test_twins_and_fathers_and_sons_with_their_own_numbers_are_not_matched(washed):
    hard = set(zip(washed["hard"]["person_ref"], washed["hard"]["record_id"], strict=True))
    assert len(hard) >= 20
    assert not (washed["found"] & hard)


def test_a_temporary_ni_number_counts_as_missing(washed):
    twins = washed["tn_twins"]
    assert len(twins) == 5
    assert not (washed["found"] & set(zip(twins["person_ref"], twins["record_id"], strict=True)))


def test_true_pairs_are_still_found(washed):
    truth = set(zip(washed["truth"]["person_ref"], washed["truth"]["record_id"], strict=True))
    assert len(washed["found"] & truth) / len(truth) >= 0.95
