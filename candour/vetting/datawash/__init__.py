"""The data wash: record linkage of the workforce against the national records (issue 5).

The one entry point is ``run_datawash``; see ``docs/datawash.md``.
"""

from .engine import DEFAULT_THRESHOLD, OUTPUT_COLUMNS, STEPS, run_datawash
from .inputs import DataWashInputError

__all__ = ["DEFAULT_THRESHOLD", "OUTPUT_COLUMNS", "STEPS", "DataWashInputError", "run_datawash"]
