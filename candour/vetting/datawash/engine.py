"""Run the data wash: link every workforce record to the national records that may be the same person.

The steps, each reported to ``progress``:

1. read and check both files, standardise them (``inputs``);
2. train the Splink model (``comparisons``) on the data itself, without labels: the prior from
   near-certain pairs, u probabilities from a fixed random sample of pairs, m probabilities by
   expectation maximisation on two training blockings;
3. score the candidate pairs the blocking rules produce, keep those at or above the threshold, and
   write them with their reasons (``reasons``).

DuckDB (default) and Spark (local mode) run the same SQL on the same prepared Parquet files.
"""

from __future__ import annotations

import importlib.util
import logging
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd
from django.conf import settings as django_settings
from splink import Linker
from splink.internals.exceptions import EMTrainingException

from . import comparisons, inputs, models
from .inputs import DataWashInputError
from .reasons import field_reason, shown

DEFAULT_THRESHOLD = 0.5
OUTPUT_COLUMNS = ("person_ref", "record_id", "match_probability", "match_weight", "reasons")

# Pairs of records sampled to estimate u probabilities (how often unrelated people agree).
U_SAMPLE_PAIRS = 5e6
U_SAMPLE_WORKFORCE_ROWS = 4_000
# Workforce records whose pairs train the m probabilities by EM (against every national record).
# m describes how one person's records differ, which a sample of people shows as well as all of
# them. EM sees only the national records sharing a training key with that sample: Splink's EM
# blocks on both files stacked together, so it would otherwise also pair national records with
# each other (over 200 million pairs at 2,000,000 records) only to throw those pairs away.
EM_SAMPLE_WORKFORCE_ROWS = 5_000

# Memory limits, Spark's master, partitions and lineage: django_settings.DATAWASH_* (candour/settings.py,
# docs/configuration.md), read when a run or a Spark session starts.
# National records scored per chunk, to keep each scoring query's memory bounded.
NATIONAL_ROWS_PER_CHUNK = 1_000_000

Engine = Literal["duckdb", "spark"]

SPARK_NOT_INSTALLED = (
    "The Spark engine needs pyspark, which is not installed: install Candour's spark extra "
    "('make install EXTRAS=spark' in a checkout, or pip install 'candour[spark]'; Spark also "
    "needs Java), or use the DuckDB engine (--engine duckdb, the default)."
)


class EngineUnavailable(ValueError):
    """The engine asked for is not installed here; the message says how to install it."""


def spark_installed() -> bool:
    """Whether the optional ``spark`` extra (pyspark) is installed."""
    return importlib.util.find_spec("pyspark") is not None


Progress = Callable[[str, int, int], None]
"""Called as ``progress(description, steps_done, steps_total)`` before each step and at the end."""

logger = logging.getLogger(__name__)

STEPS = (
    "Reading and checking the workforce file",
    "Reading and checking the national file",
    "Standardising names, dates and postcodes",
    "Estimating how often unrelated people agree (u probabilities)",
    "Estimating how many records match (the prior)",
    "Learning how often matching records agree (m probabilities, by EM)",
    "Scoring candidate pairs",
    "Writing candidate matches",
)


def run_datawash(
    workforce_path: str | Path,
    national_path: str | Path,
    out_path: str | Path,
    engine: Engine = "duckdb",
    threshold: float = DEFAULT_THRESHOLD,
    progress: Progress | None = None,
    *,
    rule_outs: bool | None = None,
    model: str | Path | None = None,
    save_model: str | Path | None = None,
) -> dict[str, Any]:
    """Link the workforce file to the national file and write the candidate matches.

    Reads the two CSV files of interchange §3 (docs/formats.md) and writes ``out_path`` with one row per
    candidate pair whose match probability is at or above ``threshold``:
    ``person_ref, record_id, match_probability, match_weight, reasons``. Every candidate is for a
    person to review (the data wash, ``docs/datawash.md``); nothing here decides anything.

    The rule-outs (``rule_outs=True``, the default) are a UK household prior: twins share a
    surname, date of birth and address, and fathers and sons a name and address, so a wholly
    different first name, or dates of birth ten or more years apart (unless only the decade was
    mistyped, at another address), rule a match out.
    ``rule_outs=False`` lets them count against a match by a learned amount instead, for data that
    has no such households (FEBRL4, ``--rule-outs off``). Default: on, or as the saved model was.

    ``model`` scores with a model saved by an earlier run (``--model``: Splink's own model JSON)
    instead of training one, so a daily delta is scored in seconds and the same pair gets the same
    score in every run; ``save_model`` writes the model this run used there (``--save-model``).

    Raises DataWashInputError (a ValueError) if a file is missing or unreadable, lacks a column,
    or has an empty or repeated id, or if the model file cannot be used; ValueError for a bad
    engine or threshold; EngineUnavailable (a ValueError) for ``spark`` without the ``spark``
    extra. A malformed cell does not stop the run: it is read for what it still says and counted
    in the summary's ``malformed_values`` and the log.
    Returns the summary described in ``docs/datawash.md``.
    """
    if engine not in ("duckdb", "spark"):
        raise ValueError(f"Unknown engine {engine!r}: use 'duckdb' or 'spark'.")
    if engine == "spark" and not spark_installed():
        raise EngineUnavailable(SPARK_NOT_INSTALLED)
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"The threshold must be a probability between 0 and 1, not {threshold}.")
    started = time.monotonic()
    report = _progress_reporter(progress)
    workforce = inputs.workforce_file(workforce_path)
    national = inputs.national_file(national_path)
    out_path = Path(out_path)
    saved = models.read(Path(model), engine) if model is not None else None
    if saved is not None:
        rule_outs = models.check_rule_outs(saved, Path(model), rule_outs)  # type: ignore[arg-type]
    elif rule_outs is None:
        rule_outs = True

    with tempfile.TemporaryDirectory(prefix="candour-datawash-") as work:
        work_dir = Path(work)
        con = _duckdb_connection(work_dir)
        try:
            report(0)
            workforce_rows = inputs.load(con, workforce)
            report(1)
            national_rows = inputs.load(con, national)
            malformed = _malformed_values(con, (workforce, national))
            report(2)
            prepared = _prepare(
                con,
                work_dir,
                (workforce, national),
                (workforce_rows, national_rows),
                training=saved is None,
            )
            if saved is None:
                trained = _train(_backend(engine, con, work_dir), prepared, report, rule_outs)
            else:
                trained = saved
            # A fresh database API for scoring: Splink caches term-frequency tables on it, and
            # those the training linkers made were counted on samples, not the whole files.
            backend = _backend(engine, con, work_dir)
            linker = backend.linker(prepared.workforce, prepared.national, trained, "scoring")
            if save_model is not None:
                models.write(trained, Path(save_model))
            report(6)
            predictions, estimated_comparisons = _score(
                linker, threshold, national_rows, workforce_rows
            )
            report(7)
            written = _write(predictions, out_path)
            parts = weight_parts(predictions)
            report(len(STEPS))
        finally:
            con.close()

    return {
        "out_path": str(out_path),
        "engine": engine,
        "threshold": threshold,
        "rule_outs": rule_outs,
        "workforce_records": workforce_rows,
        "malformed_values": malformed,
        "national_records": national_rows,
        "candidate_pairs": written,
        "workforce_people_with_candidates": int(predictions["person_ref"].nunique()),
        "estimated_comparisons": estimated_comparisons,
        "blocking_rules": [rule_sql(r) for r in comparisons.BLOCKING_RULES],
        "probability_two_random_records_match": trained["probability_two_random_records_match"],
        "model": trained,
        "model_file": str(Path(model).resolve()) if model is not None else None,
        "saved_model_file": str(Path(save_model).resolve()) if save_model is not None else None,
        "weight_parts": parts,
        "seconds": round(time.monotonic() - started, 1),
    }


def _malformed_values(
    con: duckdb.DuckDBPyConnection, files: tuple[inputs.InputFile, ...]
) -> dict[str, dict[str, Any]]:
    """``{role: {column: {"cells", "read_in_part", "first_rows"}}}`` for each file with any, each
    also logged as a warning."""
    found = {}
    for source in files:
        columns = inputs.malformed_values(con, source)
        for column, count in columns.items():
            logger.warning(
                "Data wash: the %s file %s has %d %s value(s) that are not dates "
                "(%d read in part: year and month, or year; the rest as not known), "
                "first at row(s) %s.",
                source.role,
                source.path.name,
                count["cells"],
                column,
                count["read_in_part"],
                ", ".join(str(r) for r in count["first_rows"]),
            )
        if columns:
            found[source.role] = columns
    return found


def rule_sql(rule: Any) -> str:
    if isinstance(rule, str):
        return rule
    return rule.get_blocking_rule("duckdb").blocking_rule_sql


def _progress_reporter(progress: Progress | None) -> Callable[[int], None]:
    def report(done: int) -> None:
        description = STEPS[done] if done < len(STEPS) else "Done"
        logger.info("Data wash: %s", description)
        if progress is not None:
            progress(description, done, len(STEPS))

    return report


def _duckdb_connection(work_dir: Path) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(":memory:")
    inputs.run(con, f"set memory_limit = '{django_settings.DATAWASH_DUCKDB_MEMORY}'")
    inputs.run(con, f"set temp_directory = '{work_dir / 'duckdb-spill'}'")
    inputs.run(con, f"set threads = {max(1, os.cpu_count() or 1)}")
    inputs.install_helpers(con)
    return con


class _Prepared:
    def __init__(self, work_dir: Path) -> None:
        self.workforce = work_dir / "workforce.parquet"
        self.national = work_dir / "national.parquet"
        self.workforce_sample = work_dir / "workforce_sample.parquet"
        self.national_sample = work_dir / "national_sample.parquet"
        self.workforce_em_sample = work_dir / "workforce_em_sample.parquet"
        self.national_em = work_dir / "national_em.parquet"
        self.u_pairs = 0
        self.all_pairs = 0


def _prepare(
    con: duckdb.DuckDBPyConnection,
    work_dir: Path,
    files: tuple[inputs.InputFile, inputs.InputFile],
    rows: tuple[int, int],
    *,
    training: bool = True,
) -> _Prepared:
    """Standardise both files to Parquet and, when a model is to be trained, draw its samples."""
    (workforce, national), (workforce_rows, national_rows) = files, rows
    prepared = _Prepared(work_dir)
    inputs.run(con, "set preserve_insertion_order = false")
    inputs.prepare(con, workforce, prepared.workforce)
    inputs.prepare(con, national, prepared.national)
    for table in ("raw_workforce", "raw_national"):
        inputs.run(con, f"drop table {table}")
    prepared.all_pairs = workforce_rows * national_rows
    if not training:
        return prepared
    sample_w = min(workforce_rows, U_SAMPLE_WORKFORCE_ROWS)
    sample_n = min(national_rows, max(1, int(U_SAMPLE_PAIRS // max(sample_w, 1))))
    sample_w = inputs.sample_for_u(con, prepared.workforce, sample_w, prepared.workforce_sample)
    sample_n = inputs.sample_for_u(con, prepared.national, sample_n, prepared.national_sample)
    prepared.u_pairs = sample_w * sample_n
    if workforce_rows > EM_SAMPLE_WORKFORCE_ROWS:
        inputs.sample_for_u(
            con, prepared.workforce, EM_SAMPLE_WORKFORCE_ROWS, prepared.workforce_em_sample
        )
    else:
        prepared.workforce_em_sample = prepared.workforce
    inputs.records_sharing_keys(
        con,
        prepared.national,
        prepared.workforce_em_sample,
        comparisons.TRAINING_KEYS,
        prepared.national_em,
    )
    return prepared


class _Backend:
    """Registers prepared Parquet files with one Splink database API."""

    def __init__(self, db_api: Any, read_parquet: Callable[[Path], Any]) -> None:
        self.db_api = db_api
        self.read_parquet = read_parquet

    def linker(self, workforce: Path, national: Path, settings: Any, label: str) -> Linker:
        tables = [
            self.db_api.register(
                self.read_parquet(path),
                dataset_display_name=role,
                table_name=f"{role}_{label}",
            )
            for role, path in (("workforce", workforce), ("national", national))
        ]
        return Linker(tables, settings, log_level=None)


def _backend(engine: Engine, con: duckdb.DuckDBPyConnection, work_dir: Path) -> _Backend:
    if engine == "duckdb":
        from splink.backends.duckdb import DuckDBAPI

        def read_duckdb(path: Path) -> Any:
            return con.read_parquet(str(path))

        return _Backend(DuckDBAPI(connection=con), read_duckdb)

    from splink.backends.spark import SparkAPI

    spark = spark_session(work_dir)
    db_api = SparkAPI(
        spark_session=spark,
        num_partitions_on_repartition=_spark_partitions(),
        break_lineage_method=django_settings.DATAWASH_SPARK_LINEAGE,
    )

    def read_spark(path: Path) -> Any:
        return spark.read.parquet(str(path))

    return _Backend(db_api, read_spark)


def _spark_partitions() -> int:
    return int(django_settings.DATAWASH_SPARK_PARTITIONS)


def spark_session(work_dir: Path | None = None) -> Any:
    """A local Spark session with Splink's similarity functions, or the one already running."""
    from pyspark.sql import SparkSession
    from splink.backends.spark import similarity_jar_location

    partitions = str(_spark_partitions())
    spark = (
        SparkSession.builder.master(django_settings.DATAWASH_SPARK_MASTER)
        .appName("candour-datawash")
        .config("spark.jars", similarity_jar_location())
        .config("spark.driver.memory", django_settings.DATAWASH_SPARK_MEMORY)
        .config("spark.sql.shuffle.partitions", partitions)
        .config("spark.default.parallelism", partitions)
        .config("spark.ui.enabled", "false")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    checkpoints = Path(work_dir or tempfile.mkdtemp(prefix="candour-spark-")) / "spark-checkpoints"
    spark.sparkContext.setCheckpointDir(str(checkpoints))
    return spark


def _train(
    backend: _Backend, prepared: _Prepared, report: Callable[[int], None], rule_outs: bool = True
) -> dict[str, Any]:
    """Train the model on the prepared files; returns it as Splink's model dict."""
    # u from a fixed sample, scored in full (no engine-specific random sampling), so that DuckDB
    # and Spark learn the same model.
    report(3)
    sampler = backend.linker(
        prepared.workforce_sample,
        prepared.national_sample,
        comparisons.settings(rule_outs),
        "u_sample",
    )
    sampler.training.estimate_u_using_random_sampling(
        max_pairs=prepared.u_pairs * 1.05 + 1, min_count_per_level=None, num_chunks=1
    )
    model = comparisons.share_u_probabilities(sampler.misc.save_model_to_json())

    report(4)
    linker = backend.linker(prepared.workforce, prepared.national, model, "full")
    linker.training.estimate_probability_two_random_records_match(
        list(comparisons.DETERMINISTIC_RULES), recall=comparisons.DETERMINISTIC_RECALL
    )
    prior = linker.misc.save_model_to_json()["probability_two_random_records_match"]
    if not prior > 0:
        # No pair agrees on first forename, surname and date of birth: assume one match among all
        # pairs rather than none (a prior of 0 would make every match weight minus infinity).
        prior = 1 / max(2, prepared.all_pairs)
    report(5)
    model = linker.misc.save_model_to_json()
    trainer = backend.linker(prepared.workforce_em_sample, prepared.national_em, model, "em")
    for rule in comparisons.TRAINING_RULES:
        try:
            trainer.training.estimate_parameters_using_expectation_maximisation(
                rule, estimate_without_term_frequencies=True
            )
        except EMTrainingException as error:
            # Too little data for this session: keep Splink's starting m values for its fields.
            logger.warning("Data wash: skipped one EM session: %s", str(error).splitlines()[0])
    model = trainer.misc.save_model_to_json()
    model["probability_two_random_records_match"] = prior
    return comparisons.remove_matches_from_u(model, prepared.u_pairs)


# Above this many possible pairs the summary's count of comparisons is estimated from a 5% sample
# of the records (Splink makes the pairs to count them: counted in full, a 100,000-record delta
# against 307,452 people would be blocked twice).
COUNT_IN_FULL_PAIRS = 2e9


def _score(
    linker: Linker, threshold: float, national_rows: int, workforce_rows: int = 1
) -> tuple[pd.DataFrame, int]:
    full = workforce_rows * national_rows <= COUNT_IN_FULL_PAIRS
    estimate = linker.blocking_analysis.count_comparisons_from_blocking_rules(
        record_sample_proportion=1.0 if full else 0.05
    )
    estimated_comparisons = int(estimate[-1]["cumulative_comparison_count"]) if estimate else 0
    chunks = max(1, -(-national_rows // NATIONAL_ROWS_PER_CHUNK))
    scored = linker.inference.predict(
        threshold_match_probability=threshold,
        num_chunks_left=1,
        num_chunks_right=chunks,
        warning_mode="never",
    )
    frame = scored.as_pandas_dataframe()
    scored.drop_table_from_database_and_remove_from_cache()
    return _with_reasons(frame), estimated_comparisons


def weight_parts(predictions: pd.DataFrame) -> dict[tuple[str, str], list[dict[str, Any]]]:
    """Each written pair's match weight, field by field: ``{(person_ref, record_id): [{"field",
    "label", "weight"}, ...]}`` in the model's field order. ``weight`` is the field's partial match
    weight (log2 of its Bayes factor, term-frequency adjustment included) and ``label`` its words
    from ``reasons``. The parts add up to the match weight less the prior's
    (log2 of the prior odds, the same for every pair)."""
    parts: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for pair, fields in zip(
        zip(predictions["person_ref"], predictions["record_id"], strict=True),
        predictions["weight_parts"],
        strict=True,
    ):
        parts[pair] = fields
    return parts


def _field_weights(frame: pd.DataFrame, field: comparisons.Field) -> pd.Series:
    weight = frame[f"mw_{field.name}"].astype(float)
    if f"mw_tf_adj_{field.name}" in frame.columns:
        weight = weight + frame[f"mw_tf_adj_{field.name}"].astype(float).fillna(0.0)
    return weight.fillna(0.0).round(3)


def _workforce_on_left(frame: pd.DataFrame) -> pd.DataFrame:
    """Splink may put either file on the left; put the workforce there for every pair."""
    flipped = frame["source_dataset_l"] != "workforce"
    if not flipped.any():
        return frame
    swap = {}
    for column in frame.columns:
        if column.endswith("_l") and column[:-2] + "_r" in frame.columns:
            swap[column], swap[column[:-2] + "_r"] = column[:-2] + "_r", column
    return pd.concat([frame[~flipped], frame[flipped].rename(columns=swap)], ignore_index=True)


def _with_reasons(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=[*OUTPUT_COLUMNS, "weight_parts"])
    frame = _workforce_on_left(frame)
    records = frame.to_dict("records")
    labels = {f.name: [field_reason(f, pair) for pair in records] for f in comparisons.FIELDS}
    show = {f.name: [shown(f, pair) for pair in records] for f in comparisons.FIELDS}
    weights = {f.name: _field_weights(frame, f).tolist() for f in comparisons.FIELDS}
    parts = [
        [
            {"field": name, "label": labels[name][i], "weight": weights[name][i]}
            for name in labels
            if show[name][i]
        ]
        for i in range(len(records))
    ]
    words = ["; ".join(part["label"] for part in pair_parts) for pair_parts in parts]
    out = pd.DataFrame(
        {
            "person_ref": frame["unique_id_l"].astype(str),
            "record_id": frame["unique_id_r"].astype(str),
            "match_probability": frame["match_probability"].astype(float).round(6),
            "match_weight": frame["match_weight"].astype(float).round(3),
            "reasons": words,
            "weight_parts": parts,
        }
    )
    return out.sort_values(
        ["person_ref", "match_probability", "record_id"], ascending=[True, False, True]
    ).reset_index(drop=True)


def _write(predictions: pd.DataFrame, out_path: Path) -> int:
    try:
        out_path.parent.mkdir(parents=True, exist_ok=True)
        predictions.to_csv(out_path, index=False, columns=list(OUTPUT_COLUMNS))
    except OSError as error:
        raise DataWashInputError(
            f"Could not write the results to {out_path} ({error.strerror}); "
            f"choose a folder you can write to."
        ) from error
    return len(predictions)
