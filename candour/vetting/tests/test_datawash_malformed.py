"""A malformed value is evidence, not a reason to stop: a date of birth that is not a date is
read for what it still says (its year and month, or its year) or as not known, and counted by
column in the summary; a missing id still stops the run."""

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from candour.vetting.datawash import DataWashInputError, inputs, run_datawash
from candour.vetting.datawash.generator import generate

HEADER_N = "record_id,forenames,surname,previous_surnames,date_of_birth,sex,postcode,address\n"
HEADER_W = "person_ref,forenames,surname,previous_surnames,date_of_birth,sex,postcode,address\n"


def prepared(tmp_path: Path, national: str) -> pd.DataFrame:
    path = tmp_path / "national.csv"
    path.write_text(national, encoding="utf-8")
    source = inputs.national_file(path)
    con = duckdb.connect()
    inputs.install_helpers(con)
    inputs.load(con, source)
    inputs.prepare(con, source, tmp_path / "national.parquet")
    return con.read_parquet(str(tmp_path / "national.parquet")).df().set_index("unique_id")


def test_a_date_that_is_not_a_date_keeps_its_year_and_month(tmp_path):
    records = prepared(
        tmp_path,
        HEADER_N
        + "N1,Ann,Lee,,1945-04-93,F,,\n"  # FEBRL4's kind: the day cannot be
        + "N2,Ann,Lee,,31/13/1980,F,,\n"  # no month 13: the year still says something
        + "N3,Ann,Lee,,not known,F,,\n"
        + "N4,Ann,Lee,,1971-02-03,F,,\n",
    )
    assert records.loc["N1", ["dob_year", "dob_month"]].tolist() == [1945, 4]
    assert pd.isna(records.loc["N1", "dob"]) and records.loc["N1", "dob_as_read"] == "1945-04"
    assert records.loc["N2", "dob_year"] == 1980 and pd.isna(records.loc["N2", "dob_month"])
    assert records.loc["N2", "dob_as_read"] == "1980"
    assert pd.isna(records.loc["N3", "dob_year"]) and pd.isna(records.loc["N3", "dob_as_read"])
    assert records.loc["N4", "dob"] == "1971-02-03"


def test_malformed_dates_are_counted_by_file_and_column_and_do_not_stop_the_run(tmp_path):
    workforce = tmp_path / "workforce.csv"
    workforce.write_text(HEADER_W + "W1,Ann,Lee,,1945-04-12,F,LS1 4AP,1 High Street\n")
    national = tmp_path / "national.csv"
    national.write_text(
        HEADER_N
        + "N1,Ann,Lee,,1945-04-12,F,LS1 4AP,1 High Street\n"
        + "N2,Bob,Lee,,1945-04-93,M,,\n"
        + "N3,Cy,Lee,,31/13/1980,M,,\n"
        + "N4,Di,Lee,,soon,F,,\n"
    )
    summary = run_datawash(workforce, national, tmp_path / "out.csv")
    assert summary["malformed_values"] == {
        "national": {"date_of_birth": {"cells": 3, "read_in_part": 2, "first_rows": [2, 3, 4]}}
    }
    assert summary["national_records"] == 4


def test_a_missing_id_still_stops_the_run(tmp_path):
    workforce = tmp_path / "workforce.csv"
    workforce.write_text(HEADER_W + "W1,Ann,Lee,,1945-04-93,F,,\n,Bob,Lee,,,,,\n")
    national = tmp_path / "national.csv"
    national.write_text(HEADER_N + "N1,Ann,Lee,,1945-04-12,F,,\n")
    with pytest.raises(DataWashInputError, match=r"row 2, has no person_ref"):
        run_datawash(workforce, national, tmp_path / "out.csv")


@pytest.mark.slow
def test_a_record_whose_day_cannot_be_read_is_still_found(tmp_path):
    files = generate(tmp_path, workforce_size=200, national_size=3_000, seed=7)
    truth = pd.read_csv(files.truth, dtype=str, keep_default_na=False)
    national = pd.read_csv(files.national, dtype=str, keep_default_na=False)
    workforce = pd.read_csv(files.workforce, dtype=str, keep_default_na=False)
    iso = national.loc[national["date_of_birth"].str.match(r"^\d{4}-"), "record_id"]
    clean = truth[(truth["errors"] == "") & truth["record_id"].isin(iso)].head(8)
    broken = national["record_id"].isin(clean["record_id"])
    assert broken.sum() == 8
    # 1972-05-14 becomes 1972-05-94: the day is a typing error no date can hold.
    national.loc[broken, "date_of_birth"] = national.loc[broken, "date_of_birth"].str[:8] + "94"
    national.to_csv(files.national, index=False)

    summary = run_datawash(files.workforce, files.national, tmp_path / "out.csv")
    assert summary["malformed_values"]["national"]["date_of_birth"]["cells"] == 8
    assert "workforce" not in summary["malformed_values"]
    out = pd.read_csv(tmp_path / "out.csv", dtype=str).merge(clean, on=["person_ref", "record_id"])
    assert len(out) >= 7
    assert out["reasons"].str.contains("dob: same year and month, the day not readable").all()
    assert len(workforce) == summary["workforce_records"]
