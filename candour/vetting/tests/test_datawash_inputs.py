"""The data wash refuses unusable input files with a sentence naming the file, row and column."""

from pathlib import Path

import pytest

from candour.vetting.datawash import DataWashInputError, run_datawash

HEADER_W = "person_ref,forenames,surname,previous_surnames,date_of_birth,sex,postcode,address\n"
HEADER_N = "record_id,forenames,surname,previous_surnames,date_of_birth,sex,postcode,address\n"
GOOD_N = HEADER_N + "N1,William,Jones,,1980-02-03,M,LS1 4AP,1 High Street\n"


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(tmp_path: Path, workforce: str, national: str = GOOD_N) -> None:
    run_datawash(
        write(tmp_path, "workforce.csv", workforce),
        write(tmp_path, "national.csv", national),
        tmp_path / "out.csv",
    )


def test_it_names_a_missing_column(tmp_path):
    with pytest.raises(
        DataWashInputError, match=r"workforce file workforce\.csv has no column postcode"
    ):
        run(tmp_path, "person_ref,forenames,surname,previous_surnames,date_of_birth,sex,address\n")


def test_it_names_a_repeated_id_and_its_rows(tmp_path):
    workforce = (
        HEADER_W + "W1,Ann,Lee,,1970-01-01,F,,\nW2,Bob,Lee,,1971-01-01,M,,\nW1,Cy,Lee,,,,,\n"
    )
    with pytest.raises(DataWashInputError, match=r"person_ref 'W1' more than once \(rows 1, 3\)"):
        run(tmp_path, workforce)


def test_it_names_a_row_without_an_id(tmp_path):
    with pytest.raises(DataWashInputError, match=r"row 2, has no person_ref"):
        run(tmp_path, HEADER_W + "W1,Ann,Lee,,1970-01-01,F,,\n,Bob,Lee,,,,,\n")


def test_it_says_when_a_file_does_not_exist(tmp_path):
    with pytest.raises(DataWashInputError, match=r"does not exist"):
        run_datawash(tmp_path / "nope.csv", write(tmp_path, "n.csv", GOOD_N), tmp_path / "o.csv")


def test_input_errors_are_value_errors():
    assert issubclass(DataWashInputError, ValueError)


def test_it_refuses_an_unknown_engine(tmp_path):
    with pytest.raises(ValueError, match="Unknown engine"):
        run_datawash("w.csv", "n.csv", tmp_path / "o.csv", engine="sqlite")  # type: ignore[arg-type]


def test_files_with_nobody_in_common_give_no_candidates_and_no_error(tmp_path):
    workforce = HEADER_W + "W1,Ann,Lee,,1970-01-01,F,LS1 4AP,1 High Street\n"
    summary = run_datawash(
        write(tmp_path, "workforce.csv", workforce),
        write(tmp_path, "national.csv", GOOD_N),
        tmp_path / "out.csv",
    )
    assert summary["candidate_pairs"] == 0
    assert 0 < summary["probability_two_random_records_match"] < 1
    assert (tmp_path / "out.csv").read_text().strip() == (
        "person_ref,record_id,match_probability,match_weight,reasons"
    )
