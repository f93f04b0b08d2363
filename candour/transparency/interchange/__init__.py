"""Reading and writing Candour's interchange files (spec/interchange.md §1, §2, §4).

The operations, called by the ``import`` and ``export`` commands (and by pages or the API later):
``import_cases``, ``import_workforce``, ``import_figures``, ``export_cases``. Each import is
all-or-nothing; see ``cases`` for how a million rows are checked and written in bulk.
"""

from candour.transparency.interchange.cases import import_cases
from candour.transparency.interchange.export import export_cases
from candour.transparency.interchange.figures import import_figures
from candour.transparency.interchange.mapping import MappingError
from candour.transparency.interchange.readers import UnreadableFile
from candour.transparency.interchange.report import ImportRejected, ImportResult
from candour.transparency.interchange.workforce import import_workforce

IMPORTERS = {
    "cases": import_cases,
    "workforce": import_workforce,
    "figures": import_figures,
}

__all__ = [
    "IMPORTERS",
    "ImportRejected",
    "ImportResult",
    "MappingError",
    "UnreadableFile",
    "export_cases",
    "import_cases",
    "import_figures",
    "import_workforce",
]
