"""What the text of a cell may hold in the files Candour writes and reads: the one home of the
rules in docs/interchange.md, "Formulas and control characters".

**Formulas.** A spreadsheet program may run a cell that begins with ``=``, ``+``, ``-``, ``@``,
tab or carriage return as a formula (OWASP, "CSV Injection"), e.g. ``=HYPERLINK(...)`` planted
in a reference. Every export writes such a text with a single quote in front (``=1`` as
``'=1``), which the program shows as text, and every import takes that one quote off again, so
an exported file imports back to exactly the values it was written from. A text that itself
begins with a quote followed by one of those characters, a line feed or another quote is
given a quote too, so taking one off never changes a value someone wrote. Only text is quoted: a number a
download writes as a number (a count in a statistics spreadsheet) cannot be a formula.

**Control characters.** A cell may not hold a control character (Unicode category Cc) other
than tab, line feed and carriage return: they are invisible in a spreadsheet, XLSX and ODS
cannot store them (XML forbids U+0000 to U+001F but those three), and PostgreSQL refuses NUL.
Imports refuse such a cell with its row and column instead of storing it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

QUOTE = "'"
FORMULA_STARTS = frozenset("=+-@\t\r")  # OWASP's list
_MAY_NEED_QUOTE = FORMULA_STARTS | {QUOTE}

# A cell the import takes one quote off: a quote followed by a formula start, another quote,
# or a line feed (XLSX and ODS, being XML, give back a written carriage return as one). The same
# pattern in Python's re and in RE2 (pyarrow), so both readers agree.
QUOTED_PATTERN = r"^'[=+\-@\t\r\n']"
_QUOTED = re.compile(QUOTED_PATTERN)

# C0 controls but tab, line feed and carriage return; DEL; the C1 controls.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The bytes that start such a character in UTF-8 (a C1 control is \xc2 then \x80-\x9f).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_NOT_SUSPECT = bytes(b for b in range(256) if b not in _CONTROL_BYTES and b != 0xC2)
_C1_CONTROL = re.compile(rb"\xc2[\x80-\x9f]")


def neutralise(text: str) -> str:
    """``text`` as an export writes it: with a quote in front when it could run as a formula."""
    if text[:1] in FORMULA_STARTS or _QUOTED.match(text):
        return QUOTE + text
    return text


def neutralise_row(row: Sequence[str]) -> list[str]:
    """Every cell of ``row`` through :func:`neutralise` (cheaply: most cells need no look)."""
    return [neutralise(text) if text[:1] in _MAY_NEED_QUOTE else text for text in row]


def neutralise_values(row: Sequence[Any]) -> list[Any]:
    """A row of a download that mixes text and numbers: the text neutralised, numbers (and
    empty cells) as they are, to be written as numbers."""
    return [neutralise(value) if isinstance(value, str) else value for value in row]


def restore(text: str) -> str:
    """The value an exported cell was written from: :func:`neutralise` undone."""
    return text[1:] if _QUOTED.match(text) else text


def control_character(text: str) -> str | None:
    """A sentence (to follow "Row N, column C:") when ``text`` holds a control character."""
    found = CONTROL.search(text)
    if found is None:
        return None
    return (
        f"holds the control character U+{ord(found.group()):04X} at character "
        f"{found.start() + 1}, which a spreadsheet does not show and Candour does not store; "
        "remove it and import the file again."
    )


def has_control_bytes(data: bytes) -> bool:
    """Whether UTF-8 ``data`` holds a control character :data:`CONTROL` refuses. One pass of
    ``bytes.translate`` over the file (a tenth of a second for 200 MB), then a search for C1
    controls only if a byte \\xc2 is there at all."""
    suspect = data.translate(None, _NOT_SUSPECT)
    if not suspect:
        return False
    if suspect.translate(None, b"\xc2"):  # a C0 control or DEL
        return True
    return _C1_CONTROL.search(data) is not None
