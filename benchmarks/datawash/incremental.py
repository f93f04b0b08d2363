"""Continuous screening benchmark: a daily delta of national records against the whole workforce,
scored with a saved model (``--model``), and the run that trained that model (``--save-model``).

    .venv/bin/python benchmarks/datawash/incremental.py --workforce 307452 --delta 100000 \
        --data /tmp/datawash-incremental --results benchmarks/datawash/results/incremental.json

The generator writes the workforce and a national file of ``--delta`` records (new and changed
records of some of the workforce, and unrelated people), which stands for one day's delta. The
model is trained once on the same files (timed separately: a force trains on its whole extract,
less often); the delta run is what continuous screening does every day.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path

# The engine reads its memory limits and Spark settings from Candour's settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")

from candour.vetting.datawash import run_datawash  # noqa: E402
from candour.vetting.datawash.evaluation import pairs, precision_recall  # noqa: E402
from candour.vetting.datawash.generator import generate  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workforce", type=int, default=307_452)
    parser.add_argument("--delta", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=21)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--results", type=Path, required=True)
    args = parser.parse_args()

    if not (args.data / "truth.csv").exists():
        # About half the delta is new or changed records of workforce members (1.83 records per
        # linked person on average), the rest unrelated people, so the file holds --delta rows.
        linked_share = min(0.3, args.delta * 0.5 / (args.workforce * 1.83))
        generate(
            args.data,
            workforce_size=args.workforce,
            national_size=args.delta,
            seed=args.seed,
            linked_share=linked_share,
        )
    workforce, delta = args.data / "workforce.csv", args.data / "national.csv"
    model = args.data / "model.json"
    started = time.monotonic()
    trained = run_datawash(workforce, delta, args.data / "trained.csv", save_model=model)
    train_seconds = time.monotonic() - started
    started = time.monotonic()
    steps: list[tuple[str, float]] = []
    daily = run_datawash(
        workforce,
        delta,
        args.data / "delta.csv",
        model=model,
        progress=lambda step, done, total: steps.append(
            (step, round(time.monotonic() - started, 1))
        ),
    )
    delta_seconds = time.monotonic() - started
    result = {
        "workforce_records": args.workforce,
        "delta_records": daily["national_records"],
        "training_run_seconds": round(train_seconds, 1),
        "delta_run_seconds": round(delta_seconds, 1),
        "delta_run_steps": steps,
        "same_pairs_as_training_run": pairs(args.data / "trained.csv")
        == pairs(args.data / "delta.csv"),
        "delta_candidates": daily["candidate_pairs"],
        "delta_accuracy": precision_recall(
            pairs(args.data / "delta.csv"), pairs(args.data / "truth.csv")
        ),
        "training_candidates": trained["candidate_pairs"],
        "load_average": os.getloadavg(),
    }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
