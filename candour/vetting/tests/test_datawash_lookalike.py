"""The generator's second mode writes look-alikes the first never does, and the data wash reads a
date of birth by which digit differs: a mistyped decade away from home is a typing error, the same
day and month a decade or two apart at one address is a father and son."""

import datetime as dt

import pandas as pd
import pytest

from candour.vetting.datawash import run_datawash
from candour.vetting.datawash.evaluation import pairs
from candour.vetting.datawash.generator import generate


def test_the_lookalike_mode_writes_other_files_with_three_more_kinds_of_lookalike(tmp_path):
    standard = generate(tmp_path / "a", workforce_size=1_000, national_size=4_000, seed=5)
    second = generate(
        tmp_path / "b", workforce_size=1_000, national_size=4_000, seed=5, mode="lookalike"
    )
    assert standard.national.read_bytes() != second.national.read_bytes()
    kinds = set(pd.read_csv(second.hard_non_matches, dtype=str)["kind"])
    assert {"namesake", "lookalike_name", "twin"} <= kinds
    assert kinds & {"same_birthday_father", "same_birthday_son"}
    assert not set(pd.read_csv(standard.hard_non_matches, dtype=str)["kind"]) & {
        "namesake",
        "lookalike_name",
    }
    workforce = pd.read_csv(second.workforce, dtype=str, keep_default_na=False)
    workforce = workforce.set_index("person_ref")
    national = pd.read_csv(second.national, dtype=str, keep_default_na=False)
    national = national.set_index("record_id")
    hard = pd.read_csv(second.hard_non_matches, dtype=str)
    for row in hard[hard["kind"] == "namesake"].itertuples():
        w, n = workforce.loc[row.person_ref], national.loc[row.record_id]
        assert (w.forenames.split()[0], w.surname) == (n.forenames.split()[0], n.surname)
        assert (
            w.date_of_birth[:4] == n.date_of_birth[:4] != "" and w.date_of_birth != n.date_of_birth
        )
    for row in hard[hard["kind"].str.startswith("same_birthday")].itertuples():
        w, n = workforce.loc[row.person_ref], national.loc[row.record_id]
        # (A few workforce records have no address, as HR records do.)
        assert w.date_of_birth[4:] == n.date_of_birth[4:] and w.address in ("", n.address)


def _decade(date: str, step: int) -> str:
    day = dt.date.fromisoformat(date)
    return day.replace(year=day.year + step).isoformat()


@pytest.mark.slow
def test_a_decade_apart_is_a_typo_away_from_home_and_a_father_and_son_at_home(tmp_path):
    files = generate(tmp_path, workforce_size=400, national_size=6_000, seed=17)
    truth = pd.read_csv(files.truth, dtype=str, keep_default_na=False)
    national = pd.read_csv(files.national, dtype=str, keep_default_na=False)
    workforce = pd.read_csv(files.workforce, dtype=str, keep_default_na=False)
    # Ten true pairs whose national record has its decade mistyped, at an address elsewhere.
    iso = national.set_index("record_id")["date_of_birth"].str.match(r"^\d{4}-")
    clean = truth[(truth["errors"] == "") & truth["record_id"].map(iso)].head(10)
    typo = national["record_id"].isin(clean["record_id"])
    national.loc[typo, "date_of_birth"] = national.loc[typo, "date_of_birth"].map(
        lambda d: _decade(d, -10 if d[2] != "0" else 10)
    )
    national.loc[typo, "postcode"] = "ZE2 9QQ"
    national.loc[typo, "address"] = "1 Voe Road, Lerwick"
    # Ten men with a father at home who shares their first name and birthday, twenty years older.
    men = workforce[(workforce["sex"] == "M") & (workforce["address"] != "")].head(10)
    fathers = men.rename(columns={"person_ref": "record_id"}).assign(
        record_id=[f"F{i}" for i in range(len(men))],
        date_of_birth=men["date_of_birth"].map(lambda d: _decade(d, -20)),
        previous_surnames="",
    )
    pd.concat([national, fathers[national.columns]]).to_csv(files.national, index=False)

    run_datawash(files.workforce, files.national, tmp_path / "out.csv", threshold=0.001)
    out = pd.read_csv(tmp_path / "out.csv", dtype=str)
    out["match_probability"] = out["match_probability"].astype(float)
    found = out.merge(clean, on=["person_ref", "record_id"])
    assert len(found) >= 9
    assert (
        found["reasons"]
        .str.contains(r"dob: one digit different in the decade, at another address \(")
        .all()
    )
    relatives = set(zip(men["person_ref"], fathers["record_id"], strict=True))
    assert not relatives & pairs(tmp_path / "out.csv")
