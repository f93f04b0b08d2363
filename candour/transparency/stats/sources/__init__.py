"""The declared sources of statistics, by name (``StatsQuery(source=...)``). A new source is
one declaration in this folder and one line here (docs/statistics.md, "Adding a source")."""

from __future__ import annotations

from candour.transparency.stats.declaration import Source
from candour.transparency.stats.sources.cases import CASES
from candour.transparency.stats.sources.vetting import VETTING

SOURCES: dict[str, Source] = {source.name: source for source in (CASES, VETTING)}

__all__ = ["CASES", "SOURCES", "VETTING"]
