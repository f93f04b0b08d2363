"""What every import and export of an interchange file shares, whichever app's data it holds:
reading CSV, XLSX and ODS (``readers``) and writing them (``writers``), mapping files for foreign
layouts (``mapping``), lining columns up and checking codes and dates (``columns``), the report
of a rejected or accepted file (``report``), progress on a terminal (``terminal``), the audit
entry of an import (``auditing``) and the list of importers ``candour import`` offers
(``importers``). None of it writes a table: each app's importer writes its own (cases and the
workforce in ``candour/cases/interchange/``, published figures in
``candour/transparency/interchange/``)."""
