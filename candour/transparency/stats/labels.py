"""Words for the codes in a statistics table (force names, category labels, "Not known")."""

from __future__ import annotations

from typing import Any

from django.apps import apps

from candour.core.periods import financial_year_label, month_label, quarter_label
from candour.transparency.stats.declaration import (
    FINANCIAL_YEAR,
    MONTH,
    QUARTER,
    TAGS,
    UNKNOWN,
    YEAR,
    Source,
)


class Labeller:
    """Looks the reference data up once per table, not once per cell."""

    def __init__(self, by: tuple[str, ...] | list[str], source: Source | None = None) -> None:
        from candour.transparency.stats.sources import CASES

        self.source = source or CASES
        self.by = tuple(by)
        self._references: dict[str, dict[str, str]] = {}
        for code in self.by:
            reference = self.source.dimension[code].reference
            if reference is not None:
                model, key, label = reference
                self._references[code] = dict(apps.get_model(model).objects.values_list(key, label))

    def label(self, code: str, value: Any) -> str:
        dim = self.source.dimension[code]
        if value == UNKNOWN and dim.kind != TAGS:
            return dim.unknown_label
        if dim.kind == YEAR:
            return str(value)
        if dim.kind == FINANCIAL_YEAR:
            return financial_year_label(int(value))
        if dim.kind == MONTH:
            return month_label(str(value))
        if dim.kind == QUARTER:
            return quarter_label(str(value))
        if code in self._references:
            return self._references[code].get(value, str(value))
        return dim.labels.get(value, str(value))

    def json_value(self, code: str, value: Any) -> Any:
        """The value as machine-readable output shows it: a code, a year, or ``2022/23``."""
        if value == UNKNOWN:
            return UNKNOWN
        if self.source.dimension[code].kind == FINANCIAL_YEAR:
            return financial_year_label(int(value))
        return value

    def phrase(self, code: str, value: Any) -> str:
        dim = self.source.dimension[code]
        label = self.label(code, value)
        lower = label[:1].lower() + label[1:]
        return dim.phrase.format(
            label=label, label_lower=lower, value_phrase=dim.phrases.get(value, lower)
        )
