"""An address without a UK postcode (overseas, free text, missing) is compared by its parts (house
number, street, places) when no postcode unit agrees."""

from pathlib import Path

import duckdb
import pandas as pd
import pytest

from candour.vetting.datawash import inputs, run_datawash
from candour.vetting.datawash.generator import generate

HEADER_N = "record_id,forenames,surname,previous_surnames,date_of_birth,sex,postcode,address\n"


def prepared(tmp_path: Path, national: str) -> pd.DataFrame:
    path = tmp_path / "national.csv"
    path.write_text(HEADER_N + national, encoding="utf-8")
    source = inputs.national_file(path)
    con = duckdb.connect()
    inputs.install_helpers(con)
    inputs.load(con, source)
    inputs.prepare(con, source, tmp_path / "national.parquet")
    return con.read_parquet(str(tmp_path / "national.parquet")).df().set_index("unique_id")


def test_an_address_is_split_into_house_number_street_and_places(tmp_path):
    records = prepared(
        tmp_path,
        'N1,Ann,Lee,,,F,2615,"47 Wilkins Street, Kelly House, Kaleen, ACT"\n'
        'N2,Ann,Lee,,,F,,"Flat 3, 12a Elm Row, Leeds, LS1 4AP"\n'
        'N3,Ann,Lee,,,F,,"12 elm row leeds"\n',
    )
    n1, n2, n3 = (records.loc[n] for n in ("N1", "N2", "N3"))
    assert (n1["address_number"], n1["address_street"]) == ("47", "wilkins street")
    assert list(n1["address_places"]) == ["kelly house", "kaleen", "act"]
    assert n1["postcode"] == "2615" and pd.isna(n1["postcode_district"])
    # The flat line is not the street, and a UK postcode written in the address is not a place.
    assert (n2["address_number"], n2["address_street"]) == ("12a", "elm row")
    assert list(n2["address_places"]) == ["leeds"]
    # Free text without commas: the whole line is the street.
    assert (n3["address_number"], n3["address_street"]) == ("12", "elm row leeds")


@pytest.mark.slow
def test_an_overseas_postcode_is_compared_by_the_addresss_parts(tmp_path):
    files = generate(tmp_path, workforce_size=200, national_size=3_000, seed=13)
    truth = pd.read_csv(files.truth, dtype=str, keep_default_na=False)
    national = pd.read_csv(files.national, dtype=str, keep_default_na=False)
    workforce = pd.read_csv(files.workforce, dtype=str, keep_default_na=False)
    clean = truth[truth["errors"] == ""].head(20)
    assert len(clean) == 20
    at_home, shared = clean.head(10), clean.tail(10)
    abroad = national["record_id"].isin(clean["record_id"])
    # The same house written by a system abroad: a foreign postcode and an extra locality line.
    national.loc[abroad, "postcode"] = "75011"
    parts = national.loc[abroad, "address"].str.split(", ", n=1, expand=True)
    national.loc[abroad, "address"] = parts[0] + ", Old Town, " + parts[1]
    # For ten of them the workforce record gives that foreign postcode too (a person who lived
    # there): a postcode that is not a UK unit covers a whole suburb, so the same house number
    # and street in it is the stronger evidence, and is what the reasons say.
    workforce.loc[workforce["person_ref"].isin(shared["person_ref"]), "postcode"] = "75011"
    national.to_csv(files.national, index=False)
    workforce.to_csv(files.workforce, index=False)

    run_datawash(files.workforce, files.national, tmp_path / "out.csv")
    out = pd.read_csv(tmp_path / "out.csv", dtype=str)
    for pairs in (at_home, shared):
        found = out.merge(pairs, on=["person_ref", "record_id"])
        assert len(found) >= 9
        assert found["reasons"].str.contains(r"address: same house number and street \(").all()
