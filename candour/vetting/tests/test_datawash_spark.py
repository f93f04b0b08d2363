"""Spark (local mode) learns the same model and finds the same pairs as DuckDB.

Kept small: tiny files, one Spark core, one shuffle partition and in-memory intermediate
tables (the JVM start is most of the time). Still meaningful: the files hold nicknames, typos,
maiden names, swapped dates, moves and twins, so the comparison levels the engines could
disagree on are exercised.
"""

import importlib.util
import shutil

import pandas as pd
import pytest

from candour.vetting.datawash import run_datawash
from candour.vetting.datawash.generator import generate

pytestmark = [
    pytest.mark.slow,
    pytest.mark.spark,
    pytest.mark.skipif(
        importlib.util.find_spec("pyspark") is None,
        reason="pyspark is not installed: the Spark engine is the optional extra candour[spark] "
        "(make install EXTRAS=spark, as CI does)",
    ),
    pytest.mark.skipif(shutil.which("java") is None, reason="Spark needs Java"),
]


def test_duckdb_and_spark_give_the_same_pairs(tmp_path, settings):
    settings.DATAWASH_SPARK_MASTER = "local[1]"
    settings.DATAWASH_SPARK_PARTITIONS = 1
    settings.DATAWASH_SPARK_LINEAGE = "persist"
    files = generate(tmp_path, workforce_size=80, national_size=500, seed=5, twin_share=0.1)
    results = {}
    for engine in ("duckdb", "spark"):
        out = tmp_path / f"{engine}.csv"
        summary = run_datawash(files.workforce, files.national, out, engine=engine)
        results[engine] = (summary, pd.read_csv(out, dtype={"person_ref": str, "record_id": str}))
    duck, spark = results["duckdb"][1], results["spark"][1]
    assert len(duck) > 10
    assert list(zip(duck.person_ref, duck.record_id, strict=False)) == list(
        zip(spark.person_ref, spark.record_id, strict=False)
    )
    assert (duck["match_probability"] - spark["match_probability"]).abs().max() < 1e-3
    assert (duck["reasons"] == spark["reasons"]).all()
    duck_summary, spark_summary = results["duckdb"][0], results["spark"][0]
    assert duck_summary["probability_two_random_records_match"] == pytest.approx(
        spark_summary["probability_two_random_records_match"]
    )
    for pair, parts in duck_summary["weight_parts"].items():
        assert [p["weight"] for p in parts] == pytest.approx(
            [p["weight"] for p in spark_summary["weight_parts"][pair]], abs=0.02
        )
