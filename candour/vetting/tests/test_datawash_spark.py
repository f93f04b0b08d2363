"""Spark (local mode) learns the same model and finds the same pairs as DuckDB."""

import shutil

import pandas as pd
import pytest

from candour.vetting.datawash import run_datawash
from candour.vetting.datawash.generator import generate

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java"),
]


def test_duckdb_and_spark_give_the_same_pairs(tmp_path):
    files = generate(tmp_path, workforce_size=150, national_size=1_500, seed=5)
    results = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.csv"
        summary = run_datawash(files.workforce, files.national, out, engine=engine)
        results[engine] = (summary, pd.read_csv(out, dtype={"person_ref": str, "record_id": str}))
    duck, spark = results["duckdb"][1], results["spark"][1]
    assert len(duck) > 20
    assert list(zip(duck.person_ref, duck.record_id, strict=False)) == list(
        zip(spark.person_ref, spark.record_id, strict=False)
    )
    assert (duck["match_probability"] - spark["match_probability"]).abs().max() < 1e-3
    assert (duck["reasons"] == spark["reasons"]).all()
    assert results["duckdb"][0]["probability_two_random_records_match"] == pytest.approx(
        results["spark"][0]["probability_two_random_records_match"]
    )
