"""The kinds of file ``candour import KIND FILE`` reads, each app adding its own in its
``AppConfig.ready`` (cases and workforce: ``candour.cases``; figures: ``candour.transparency``),
so the command names every kind without depending on the apps that write the data."""

from __future__ import annotations

from collections.abc import Callable

from candour.core.interchange.report import ImportResult

# An importer: (path, *, mapping, dry_run, progress) -> ImportResult; it raises ImportRejected,
# UnreadableFile or MappingError (docs/interchange.md).
Importer = Callable[..., ImportResult]

IMPORTERS: dict[str, Importer] = {}


def register(kind: str, importer: Importer) -> None:
    """Offer ``candour import KIND``; the kinds are listed in the order they are registered."""
    IMPORTERS[kind] = importer


def importer(kind: str) -> Importer:
    return IMPORTERS[kind]


__all__ = ["IMPORTERS", "Importer", "importer", "register"]
