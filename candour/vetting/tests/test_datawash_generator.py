"""The synthetic generator is deterministic and writes every kind of case the data wash must handle."""

import pandas as pd

from candour.vetting.datawash.generator import generate


def test_the_same_seed_gives_the_same_files(tmp_path):
    first = generate(tmp_path / "a", workforce_size=200, national_size=1_000, seed=7)
    second = generate(tmp_path / "b", workforce_size=200, national_size=1_000, seed=7)
    assert first.national.read_bytes() == second.national.read_bytes()
    assert first.truth.read_bytes() == second.truth.read_bytes()


def test_it_writes_hard_non_matches_and_several_records_per_person(tmp_path):
    files = generate(tmp_path, workforce_size=1_000, national_size=5_000, seed=2)
    truth = pd.read_csv(files.truth, dtype=str, keep_default_na=False)
    hard = pd.read_csv(files.hard_non_matches, dtype=str)
    kinds = set(hard["kind"])
    assert "twin" in kinds
    assert kinds & {"father", "son"}
    assert truth["person_ref"].value_counts().max() > 1
    errors = set(";".join(truth["errors"]).split(";"))
    for kind in ("nickname", "maiden_surname", "dob_swapped", "forename_typo", "moved_elsewhere"):
        assert kind in errors
