"""Measuring the data wash against known answers (the generator's ``truth.csv``, or FEBRL's links).

Used by the tests and by ``benchmarks/datawash/``; not needed to run a data wash.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from . import comparisons, inputs


def pairs(path: str | Path) -> set[tuple[str, str]]:
    """The ``(person_ref, record_id)`` pairs in a results or truth file."""
    frame = pd.read_csv(path, dtype=str, usecols=["person_ref", "record_id"])
    return set(zip(frame["person_ref"], frame["record_id"], strict=True))


def precision_recall(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, Any]:
    true_positives = len(found & truth)
    precision = true_positives / len(found) if found else 1.0
    recall = true_positives / len(truth) if truth else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "true_pairs": len(truth),
        "found_pairs": len(found),
        "true_positives": true_positives,
        "false_positives": len(found - truth),
        "false_negatives": len(truth - found),
        "precision": round(precision, 5),
        "recall": round(recall, 5),
        "f1": round(f1, 5),
    }


def _rule_condition(rule: Any) -> str:
    """A blocking rule as a condition on one (l, r) pair; exploded arrays become overlaps."""
    if isinstance(rule, str):
        return rule
    blocking_rule = rule.get_blocking_rule("duckdb")
    sql = blocking_rule.blocking_rule_sql
    for column in getattr(blocking_rule, "array_columns_to_explode", []) or []:
        sql = sql.replace(
            f'l."{column}" = r."{column}"', f'list_has_any(l."{column}", r."{column}")'
        )
    return sql


def blocking_recall(
    workforce_path: str | Path, national_path: str | Path, truth_path: str | Path
) -> dict[str, Any]:
    """Share of true pairs that each blocking rule, and all of them together, put forward for
    scoring: pairs no rule finds can never be matched, whatever the model."""
    con = duckdb.connect(":memory:")
    inputs.install_helpers(con)
    with tempfile.TemporaryDirectory(prefix="candour-datawash-eval-") as work:
        prepared = {}
        for source in (inputs.workforce_file(workforce_path), inputs.national_file(national_path)):
            inputs.load(con, source)
            prepared[source.role] = Path(work) / f"{source.role}.parquet"
            inputs.prepare(con, source, prepared[source.role])
        truth = pd.read_csv(truth_path, dtype=str, usecols=["person_ref", "record_id"])
        con.register("truth_frame", truth)
        conditions = [_rule_condition(rule) for rule in comparisons.BLOCKING_RULES]
        columns = ", ".join(
            f"coalesce({condition}, false) as rule_{i}" for i, condition in enumerate(conditions)
        )
        flags = con.execute(
            f"""
            select {columns}
            from truth_frame t
            join read_parquet('{prepared["workforce"]}') l on l.unique_id = t.person_ref
            join read_parquet('{prepared["national"]}') r on r.unique_id = t.record_id
            """
        ).df()
    con.close()
    total = len(truth)
    found_by_any = flags.any(axis=1).sum() if len(flags) else 0
    return {
        "true_pairs": total,
        "recall_all_rules": round(found_by_any / total, 5) if total else 1.0,
        "recall_by_rule": {
            sql: round(flags[f"rule_{i}"].sum() / total, 5) if total else 1.0
            for i, sql in enumerate(conditions)
        },
    }
