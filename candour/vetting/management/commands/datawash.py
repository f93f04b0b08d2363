"""``candour datawash``: link the workforce to the national records (docs/cli.md; the files are
interchange §3, docs/formats.md).

Writes the §3 candidate file. With ``--force F --load`` it also stores the candidates in F's
review queue for vetting officers (a Candour extension; the output file is the same either way).
Exit codes: 0 done; 1 the data wash ran and failed (e.g. a bad row); 2 bad usage or a missing file.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from candour.core import audit
from candour.core.interchange.terminal import terminal_bar


def probability(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number.") from None
    if not 0.0 < value < 1.0:
        raise argparse.ArgumentTypeError(
            f"the threshold is a probability between 0 and 1 (exclusive), not {text}."
        )
    return value


class Command(BaseCommand):
    help = (
        "Link every workforce record to the national records that may be the same person "
        "(the data wash) and write the candidate pairs with their reasons (interchange §3)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        from candour.vetting.datawash import DEFAULT_THRESHOLD

        parser.add_argument(
            "--workforce", required=True, metavar="FILE", help="Workforce identities (§3 CSV)."
        )
        parser.add_argument(
            "--national", required=True, metavar="FILE", help="National extract (§3 CSV)."
        )
        parser.add_argument(
            "--out", required=True, metavar="FILE", help="Where to write the candidate pairs."
        )
        parser.add_argument(
            "--engine",
            choices=["duckdb", "spark"],
            default="duckdb",
            help=(
                "duckdb (default) or spark (local mode; the path to a cluster; needs Java and "
                "the optional spark extra: make install EXTRAS=spark)."
            ),
        )
        parser.add_argument(
            "--threshold",
            type=probability,
            default=DEFAULT_THRESHOLD,
            metavar="P",
            help=f"Keep pairs with match probability at least P (default {DEFAULT_THRESHOLD}).",
        )
        parser.add_argument(
            "--rule-outs",
            choices=["on", "off"],
            default=None,
            help=(
                "on (default, or as the --model was trained): a wholly different first name, "
                "or dates of birth ten or more years apart (unless only the decade was "
                "mistyped, away from home), rule a match out (twins, fathers and sons: a UK "
                "household prior); off: they count against a match by a learned amount, for "
                "data without such households (FEBRL4)."
            ),
        )
        parser.add_argument(
            "--model",
            metavar="FILE",
            help=(
                "Score with a model saved by --save-model (Splink's model JSON) instead of "
                "training one: for daily deltas and new joiners, same scores for the same pair."
            ),
        )
        parser.add_argument(
            "--save-model",
            metavar="FILE",
            help="Save the model this run used (Splink's model JSON), for --model later.",
        )
        parser.add_argument(
            "--force",
            metavar="F",
            help="Force code the workforce file belongs to (with --load).",
        )
        parser.add_argument(
            "--load",
            action="store_true",
            help="Also store the candidates in the force's review queue (needs --force).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        from candour.vetting.datawash import DataWashInputError, run_datawash
        from candour.vetting.datawash.engine import EngineUnavailable

        workforce, national = Path(options["workforce"]), Path(options["national"])
        given = [("workforce", workforce), ("national", national)]
        if options["model"]:
            given.append(("model", Path(options["model"])))
        for label, path in given:
            if not path.is_file():
                raise CommandError(
                    f"The {label} file {path} does not exist: check the path.", returncode=2
                )
        force = self._force(options["force"], options["load"])
        if options["verbosity"] < 2:
            # Splink logs its training warnings; the summary says what a user needs.
            logging.getLogger("splink").setLevel(logging.ERROR)

        try:
            with self._progress() as progress:
                summary = run_datawash(
                    workforce,
                    national,
                    options["out"],
                    engine=options["engine"],
                    threshold=options["threshold"],
                    progress=progress,
                    rule_outs=None
                    if options["rule_outs"] is None
                    else options["rule_outs"] == "on",
                    model=options["model"],
                    save_model=options["save_model"],
                )
        except DataWashInputError as error:
            raise CommandError(str(error), returncode=1) from None
        except EngineUnavailable as error:
            raise CommandError(str(error), returncode=2) from None

        self.stdout.write(summary_paragraph(summary))
        if options["load"] and force is not None:
            self._load(summary, options, force)

    def _force(self, code: str | None, load: bool) -> Any:
        if load and not code:
            raise CommandError(
                "--load stores candidates in one force's review queue: say which with --force F.",
                returncode=2,
            )
        if not code:
            return None
        from candour.core.forces import unknown_force_message
        from candour.core.models import Force

        try:
            return Force.objects.get(code=code)
        except Force.DoesNotExist:
            raise CommandError(
                unknown_force_message(code),
                returncode=2,
            ) from None

    def _load(self, summary: dict[str, Any], options: dict[str, Any], force: Any) -> None:
        from candour.vetting import services

        run = services.record_datawash_run(
            workforce_file=str(Path(options["workforce"]).resolve()),
            national_file=str(Path(options["national"]).resolve()),
            out_file=str(Path(options["out"]).resolve()),
            engine=options["engine"],
            threshold=options["threshold"],
            rule_outs=summary["rule_outs"],
            summary=summary,
            force=force,
            run_by=audit.os_user(),
        )
        loaded = services.load_candidates(run, force, weight_parts=summary.get("weight_parts"))
        text = (
            f"Loaded {loaded} candidate pair{'s' if loaded != 1 else ''} into the review queue "
            f"of {force.name} (data wash run {run.pk})."
        )
        skipped = int(run.summary.get("already_in_queue", 0))
        if skipped:
            text += (
                f" {skipped:,} pair{'s were' if skipped != 1 else ' was'} already in the queue "
                f"with the same records and {'were' if skipped != 1 else 'was'} not raised again."
            )
        self.stdout.write(text)

    @contextmanager
    def _progress(self) -> Iterator[Any]:
        """A rich progress bar on a terminal; nothing at all otherwise (cron, pipes, tests)."""
        with terminal_bar(self.stdout) as bar:
            if bar is None:
                yield None
                return
            task = bar.add_task("Starting the data wash", total=None)

            def report(description: str, done: int, total: int) -> None:
                bar.update(task, description=description, completed=done, total=total)

            yield report


def _n(value: Any) -> str:
    return f"{int(value):,}" if isinstance(value, int | float) else "?"


def summary_paragraph(summary: dict[str, Any]) -> str:
    """One paragraph saying what was compared, what was found and where it went."""
    pairs = int(summary.get("candidate_pairs", 0))
    people = summary.get("workforce_people_with_candidates")
    text = (
        f"Compared {_n(summary.get('workforce_records'))} workforce records with "
        f"{_n(summary.get('national_records'))} national records using "
        f"{summary.get('engine', '?')} at a match-probability threshold of "
        f"{summary.get('threshold', '?')}, household rule-outs "
        f"{'on' if summary.get('rule_outs', True) else 'off'}: "
        f"{pairs:,} candidate pair{'s' if pairs != 1 else ''}"
    )
    if people is not None:
        text += f" for {int(people):,} member{'s' if people != 1 else ''} of the workforce"
    text += f", written to {summary.get('out_path', '?')}."
    if summary.get("estimated_comparisons") is not None:
        text += (
            f" The blocking rules kept about {int(summary['estimated_comparisons']):,} comparisons"
        )
        if summary.get("blocking_recall") is not None:
            text += f", with an expected recall of {float(summary['blocking_recall']):.3f}"
        text += "."
    for role, columns in (summary.get("malformed_values") or {}).items():
        for column, count in columns.items():
            text += (
                f" The {role} file has {int(count['cells']):,} {column} value"
                f"{'s' if count['cells'] != 1 else ''} that could not be read as a date "
                f"({int(count['read_in_part']):,} read in part, for their year and month or "
                f"year; the rest taken as not known)."
            )
    if summary.get("model_file"):
        text += f" Scored with the saved model {summary['model_file']} (no training)."
    if summary.get("saved_model_file"):
        text += f" The model was saved to {summary['saved_model_file']}."
    if summary.get("seconds") is not None:
        text += f" It took {summary['seconds']} seconds."
    text += " Every candidate is for a vetting officer to review; nothing has been decided."
    return text
