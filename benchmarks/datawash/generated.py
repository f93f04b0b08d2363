"""Data wash benchmark on the UK-style synthetic generator: accuracy, blocking recall and time.

    .venv/bin/python benchmarks/datawash/generated.py --workforce 50000 --national 2000000 \
        --seed 1 --data /tmp/datawash-50k-2m --results benchmarks/datawash/results/generated-50k-2m.json

Add ``--baseline`` to also run a plain Splink set-up (Splink's default name, date and postcode
comparisons) on the same files for comparison. ``--mode lookalike`` generates with the second mode
(other error rates, namesakes, fathers and sons sharing a birthday, look-alike names; see
``generator.MODES``); ``--bands`` adds the calibration table (pairs scored 0.05 to 0.95 grouped by
their reasons, values left out: pairs, true pairs, expected = sum of match probabilities) and the
false candidates by kind. Results are JSON; docs/benchmarks.md quotes them.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import time
from pathlib import Path
from typing import Any

import pandas as pd

# The engine reads its memory limits and Spark settings from Candour's settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")

from candour.vetting.datawash import DEFAULT_THRESHOLD, run_datawash
from candour.vetting.datawash.evaluation import blocking_recall, pairs, precision_recall
from candour.vetting.datawash.generator import generate


def recall_by_error_count(found: set[tuple[str, str]], truth_path: Path) -> dict[str, Any]:
    truth = pd.read_csv(truth_path, dtype=str, keep_default_na=False)
    truth["n_errors"] = truth["errors"].map(lambda e: len([x for x in e.split(";") if x]))
    truth["found"] = [
        (p, r) in found for p, r in zip(truth.person_ref, truth.record_id, strict=True)
    ]
    grouped = truth.groupby("n_errors")["found"].agg(["mean", "count"])
    return {
        str(k): {"recall": round(v["mean"], 4), "pairs": int(v["count"])}
        for k, v in grouped.iterrows()
    }


def bands(scored: pd.DataFrame, truth: set[tuple[str, str]], low: float = 0.05) -> list[dict]:
    """Pairs scored from ``low`` to 0.95 grouped by their reasons with the values left out: a
    calibrated model has expected (the sum of match probabilities) close to true in every band."""
    middle = scored[(scored["match_probability"] >= low) & (scored["match_probability"] < 0.95)]
    frame = pd.DataFrame(
        {
            "band": middle["reasons"].map(lambda r: re.sub(r" \([^)]*\)", "", r)),
            "p": middle["match_probability"],
            "true": [
                (p, r) in truth
                for p, r in zip(middle["person_ref"], middle["record_id"], strict=True)
            ],
        }
    )
    grouped = frame.groupby("band").agg(
        pairs=("p", "size"), true=("true", "sum"), expected=("p", "sum")
    )
    grouped = grouped.sort_values("pairs", ascending=False).head(25)
    return [
        {
            "reasons": band,
            "pairs": int(row.pairs),
            "true": int(row.true),
            "expected": round(float(row.expected), 1),
        }
        for band, row in grouped.iterrows()
    ]


def plain_splink(data: Path, threshold: float) -> dict[str, Any]:
    """Splink out of the box: default comparisons on the raw columns, no nicknames or rules."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    started = time.monotonic()
    frames = {}
    for role, id_col in (("workforce", "person_ref"), ("national", "record_id")):
        frame = pd.read_csv(data / f"{role}.csv", dtype=str, keep_default_na=False)
        frame = frame.rename(columns={id_col: "unique_id"}).replace("", None)
        frame["first_name"] = frame["forenames"].str.split(" ").str[0]
        frames[role] = frame
    db_api = DuckDBAPI()
    tables = [db_api.register(frames[r], dataset_display_name=r) for r in ("workforce", "national")]
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.NameComparison("first_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y-%m-%d"
            ),
            cl.PostcodeComparison("postcode"),
            cl.ExactMatch("sex"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("date_of_birth"),
            block_on("first_name", "surname"),
            block_on("surname", "postcode"),
        ],
        retain_matching_columns=False,
    )
    linker = Linker(tables, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("first_name", "surname", "date_of_birth")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("first_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    scored = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    left_is_workforce = scored["source_dataset_l"] == "workforce"
    found = set(
        zip(
            scored["unique_id_l"].where(left_is_workforce, scored["unique_id_r"]),
            scored["unique_id_r"].where(left_is_workforce, scored["unique_id_l"]),
            strict=True,
        )
    )
    result = precision_recall(found, pairs(data / "truth.csv"))
    result["hard_non_matches_matched"] = len(found & pairs(data / "hard_non_matches.csv"))
    result["seconds"] = round(time.monotonic() - started, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workforce", type=int, default=50_000)
    parser.add_argument("--national", type=int, default=2_000_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--data", type=Path, required=True, help="folder for the generated files")
    parser.add_argument("--results", type=Path, required=True, help="JSON file to write")
    parser.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--baseline", action="store_true", help="also run plain Splink")
    parser.add_argument("--mode", default="standard", choices=["standard", "lookalike"])
    parser.add_argument(
        "--bands", action="store_true", help="add the calibration table and false pairs by kind"
    )
    parser.add_argument(
        "--curve",
        action="store_true",
        help="score down to 0.05 and report precision and recall at several thresholds",
    )
    parser.add_argument(
        "--skip-blocking", action="store_true", help="do not measure the blocking's recall"
    )
    args = parser.parse_args()

    results: dict[str, Any] = {
        "data": {
            "workforce": args.workforce,
            "national": args.national,
            "seed": args.seed,
            "mode": args.mode,
        },
        "machine": {"python": platform.python_version(), "cpus": __import__("os").cpu_count()},
    }
    if not (args.data / "truth.csv").exists():
        started = time.monotonic()
        generate(args.data, args.workforce, args.national, args.seed, mode=args.mode)
        results["generate_seconds"] = round(time.monotonic() - started, 1)

    steps: list[tuple[str, float]] = []
    started = time.monotonic()
    out_path = args.data / f"candidates-{args.engine}.csv"
    summary = run_datawash(
        args.data / "workforce.csv",
        args.data / "national.csv",
        out_path,
        engine=args.engine,
        threshold=min(args.threshold, 0.05) if args.curve or args.bands else args.threshold,
        progress=lambda step, done, total: steps.append(
            (step, round(time.monotonic() - started, 1))
        ),
    )
    scored = pd.read_csv(out_path, dtype={"person_ref": str, "record_id": str})
    truth = pairs(args.data / "truth.csv")
    hard = pairs(args.data / "hard_non_matches.csv")

    def found_at(threshold: float) -> set[tuple[str, str]]:
        kept = scored[scored["match_probability"] >= threshold]
        return set(zip(kept["person_ref"], kept["record_id"], strict=True))

    found = found_at(args.threshold)
    results["candour"] = {
        "engine": args.engine,
        "threshold": args.threshold,
        "seconds": summary["seconds"],
        "steps": steps,
        "estimated_comparisons": summary["estimated_comparisons"],
        **precision_recall(found, truth),
        "hard_non_matches_matched": len(found & hard),
        "recall_by_error_count": recall_by_error_count(found, args.data / "truth.csv"),
    }
    if args.curve:
        results["candour"]["by_threshold"] = {
            str(t): {
                **{
                    k: v
                    for k, v in precision_recall(found_at(t), truth).items()
                    if k in ("precision", "recall", "f1", "false_positives")
                },
                "hard_non_matches_matched": len(found_at(t) & hard),
            }
            for t in (0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.8, 0.9, 0.95, 0.99)
        }
    if args.bands:
        results["candour"]["bands"] = bands(scored, truth)
        kinds = pd.read_csv(args.data / "hard_non_matches.csv", dtype=str)
        kind_of = dict(
            zip(
                zip(kinds["person_ref"], kinds["record_id"], strict=True),
                kinds["kind"],
                strict=True,
            )
        )
        false = list(found - truth)
        results["candour"]["false_by_kind"] = (
            pd.Series([kind_of.get(pair, "unrelated") for pair in false]).value_counts().to_dict()
        )
        results["candour"]["hard_by_kind"] = kinds["kind"].value_counts().to_dict()
    results["load_average_after"] = os.getloadavg()
    if not args.skip_blocking:
        results["blocking"] = blocking_recall(
            args.data / "workforce.csv", args.data / "national.csv", args.data / "truth.csv"
        )
    if args.baseline:
        results["plain_splink"] = plain_splink(args.data, args.threshold)
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
