"""Words for the codes in a statistics table (force names, category labels, "Not known")."""

from __future__ import annotations

from typing import Any

from candour.cases.models import Category
from candour.core.models import Force
from candour.transparency.stats.dimensions import (
    DIMENSIONS,
    FLAG_PHRASES,
    UNKNOWN,
    UNKNOWN_LABEL,
    financial_year_label,
)


class Labeller:
    """Looks the reference data up once per table, not once per cell."""

    def __init__(self, by: tuple[str, ...] | list[str]) -> None:
        self.by = tuple(by)
        self._forces: dict[str, str] = {}
        self._categories: dict[str, str] = {}
        if "force" in self.by:
            self._forces = dict(Force.objects.values_list("code", "name"))
        if "category" in self.by:
            self._categories = dict(Category.objects.values_list("code", "label"))

    def label(self, code: str, value: Any) -> str:
        dim = DIMENSIONS[code]
        if value == UNKNOWN and code != "flag":
            return dim.labels.get(UNKNOWN, UNKNOWN_LABEL) if code == "outcome" else UNKNOWN_LABEL
        if dim.kind == "year":
            return str(value)
        if dim.kind == "financial_year":
            return financial_year_label(int(value))
        if code == "force":
            return self._forces.get(value, str(value))
        if code == "category":
            return self._categories.get(value, str(value))
        return dim.labels.get(value, str(value))

    def json_value(self, code: str, value: Any) -> Any:
        """The value as machine-readable output shows it: a code, a year, or ``2022/23``."""
        if value == UNKNOWN:
            return UNKNOWN
        if DIMENSIONS[code].kind == "financial_year":
            return financial_year_label(int(value))
        return value

    def phrase(self, code: str, value: Any) -> str:
        label = self.label(code, value)
        lower = label if code in {"force"} else label[:1].lower() + label[1:]
        return DIMENSIONS[code].phrase.format(
            label=label, label_lower=lower, flag_phrase=FLAG_PHRASES.get(value, lower)
        )
