"""Published figures in (interchange §4, docs/interchange.md): ``import_figures``. The readers,
mapping files and reports every import shares are in ``candour.core.interchange``."""

from candour.transparency.interchange.figures import import_figures

__all__ = ["import_figures"]
