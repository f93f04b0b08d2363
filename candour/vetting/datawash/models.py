"""Saved data-wash models: Splink's own model JSON, written by ``--save-model`` and read by
``--model`` so that a later run (a daily delta, new joiners) scores with the same model instead of
training again, and gives the same pair the same score."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .comparisons import FIELDS, RULES_OUT_M_PROBABILITY
from .inputs import DataWashInputError

_DIALECTS = {"duckdb": "duckdb", "spark": "spark"}


def write(model: dict[str, Any], path: Path) -> None:
    """Write ``model`` (Splink's ``save_model_to_json`` dict) to ``path`` as JSON."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(model, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise DataWashInputError(
            f"Could not save the model to {path} ({error.strerror}); choose a folder you can "
            f"write to."
        ) from error


def read(path: Path, engine: str) -> dict[str, Any]:
    """The saved model at ``path``, checked to be one this data wash can score ``engine`` with."""
    try:
        model = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DataWashInputError(
            f"The model file {path} could not be read ({error.strerror}); check the path."
        ) from error
    except ValueError as error:
        raise DataWashInputError(
            f"The model file {path} is not JSON ({error}); give a file written by --save-model."
        ) from error
    if not isinstance(model, dict) or not isinstance(model.get("comparisons"), list):
        raise DataWashInputError(
            f"The model file {path} is not a Splink model; give a file written by --save-model."
        )
    expected = {f.name: len(f.levels) + 1 for f in FIELDS}  # each field's levels and its null level
    found = {
        c.get("output_column_name"): len(c.get("comparison_levels", []))
        for c in model["comparisons"]
    }
    if found != expected:
        raise DataWashInputError(
            f"The model file {path} was saved with other comparisons than this version of the "
            f"data wash uses; train a new one (run without --model, with --save-model FILE)."
        )
    dialect = model.get("sql_dialect")
    if dialect is not None and dialect != _DIALECTS[engine]:
        raise DataWashInputError(
            f"The model file {path} was saved by a {dialect} run; score with --engine {dialect}, "
            f"or train a {engine} model with --save-model."
        )
    return model


def rule_outs_of(model: dict[str, Any]) -> bool:
    """Whether the saved model rules twins and fathers and sons out (its rule-out levels fixed)."""
    return any(
        level.get("fix_m_probability") and level.get("m_probability") == RULES_OUT_M_PROBABILITY
        for comparison in model["comparisons"]
        for level in comparison["comparison_levels"]
    )


def check_rule_outs(model: dict[str, Any], path: Path, asked: bool | None) -> bool:
    """The model's rule-outs; a sentence if the caller asked for the other setting."""
    saved = rule_outs_of(model)
    if asked is not None and asked != saved:
        raise DataWashInputError(
            f"The model file {path} was trained with the rule-outs {'on' if saved else 'off'}; "
            f"leave --rule-outs out (or give --rule-outs {'on' if saved else 'off'}), or train a "
            f"new model."
        )
    return saved
