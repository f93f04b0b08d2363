"""``candour mapping draft FILE``: a starting mapping for a foreign layout (docs/interchange.md,
"Drafting a mapping").

The file is read once. For each Candour column of the kind the draft guesses the file's column
it comes from (by its name, then by its values: a date column must read as dates, a code
column's values are matched to Candour's codes and labels), and for every column that holds
codes it lists the file's distinct values, most frequent first, each with the code it could be
matched to or ``~`` (no code yet). A mapping with a ``~`` left in it is refused by the import
with the line of each one, so a draft is never imported half filled in. Every column of the
file is described in the draft's opening comment, with its distinct values or a sample.

The layouts (columns, required ones, codes, dates) are registered by the apps that import them
(``register_layout``), as the importers are.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from candour.core.interchange.mapping import ISO_DAY, normalise
from candour.core.interchange.readers import open_table

Codes = dict[str, str]  # code -> label (labels are matched too: "Gross Misconduct")


@dataclass(frozen=True)
class Layout:
    """What a draft needs of an interchange layout."""

    kind: str
    columns: tuple[str, ...]
    required: tuple[str, ...]
    codes: Callable[[], dict[str, Codes]]  # column -> its codes, read when a draft is made
    dates: tuple[str, ...] = ()
    multi: tuple[str, ...] = ()  # columns holding several codes (``flags``)
    names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # other names, best first


LAYOUTS: dict[str, Layout] = {}


def register_layout(layout: Layout) -> None:
    LAYOUTS[layout.kind] = layout


# Date formats tried, in this order: the UK's day first before the US's month first, so an
# ambiguous file (every day up to 12) gets the UK's reading, said so in the draft.
DATE_FORMATS = (
    "%Y-%m-%d",
    "%d/%m/%Y",
    "%m/%d/%Y",
    "%d/%m/%y",
    "%m/%d/%y",
    "%d.%m.%Y",
    "%d-%m-%Y",
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%b %d, %Y",
    "%Y%m%d",
)
DISTINCT_KEPT = 5_000  # distinct values counted per column; past it, the draft says "more"
DUPLICATES_CHECKED = 2_000_000  # rows looked at for exact copies (memory stays bounded)
SAMPLE = 8  # values shown in the comment for a column with many distinct values
SEPARATORS = (";", ",", "|", "/")


class DraftError(Exception):
    """The draft cannot be made (an unknown kind, a file that cannot be read)."""


@dataclass
class Profile:
    """What the file holds, column by column."""

    header: list[str]
    rows: int = 0
    values: list[Counter[str]] = field(default_factory=list)
    filled: list[int] = field(default_factory=list)
    more: list[bool] = field(default_factory=list)  # past DISTINCT_KEPT distinct values
    duplicates: int = 0
    duplicates_checked: int = 0


def profile(path: Path) -> Profile:
    table = open_table(path)
    width = len(table.header)
    found = Profile(
        header=list(table.header),
        values=[Counter() for _ in range(width)],
        filled=[0] * width,
        more=[False] * width,
    )
    seen: set[int] = set()
    for _, cells in table.rows:
        found.rows += 1
        cells = (cells + [""] * width)[:width]
        if found.rows <= DUPLICATES_CHECKED:
            key = hash(tuple(cells))
            if key in seen:
                found.duplicates += 1
            else:
                seen.add(key)
            found.duplicates_checked += 1
        for position, text in enumerate(cells):
            if not text:
                continue
            found.filled[position] += 1
            counter = found.values[position]
            if text in counter or len(counter) < DISTINCT_KEPT:
                counter[text] += 1
            else:
                found.more[position] = True
    return found


def _words(name: str) -> str:
    """``Date_Received`` and ``date received`` alike: lower case words."""
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", name)
    return " ".join(re.sub(r"[^0-9a-zA-Z]+", " ", spaced).lower().split())


def _reads(value: str, fmt: str) -> bool:
    if fmt != "%Y-%m-%d" and ISO_DAY.fullmatch(value):
        return True  # a spreadsheet's real date cell, which the import reads under any format
    try:
        dt.datetime.strptime(value, fmt)
    except ValueError:
        return False
    return True


def _parses(values: Iterable[str], formats: Iterable[str] = DATE_FORMATS) -> list[str]:
    """The formats that read every one of ``values`` (up to 500 of them)."""
    sample = [v for v in values if v][:500]
    if not sample:
        return []
    return [fmt for fmt in formats if all(_reads(value, fmt) for value in sample)]


def _date_formats(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """The formats to read ``values`` with: one that reads them all, else the fewest (up to
    three) that do between them, as a mapping's ``date_format`` list allows; and the other
    formats that would read them all too (an ambiguous file). Empty when none do."""
    sample = [v for v in values if v][:500]
    whole = _parses(sample)
    if whole:
        return whole[:1], whole[1:]
    left, chosen = sample, list[str]()
    while left and len(chosen) < 3:
        best = max(DATE_FORMATS, key=lambda fmt: sum(_reads(v, fmt) for v in left))
        read = [v for v in left if _reads(v, best)]
        if not read:
            break
        chosen.append(best)
        left = [v for v in left if not _reads(v, best)]
    return (chosen, []) if not left else ([], [])


def _code_for(text: str, codes: Codes) -> str | None:
    """The code ``text`` is, or whose label it is (ignoring case, spaces and underscores); a
    single letter that begins exactly one label (M, F); else None."""
    wanted = normalise(text).replace("_", " ")
    for code, label in codes.items():
        if wanted in (code.replace("_", " "), normalise(label).replace("_", " ")):
            return code
    if len(wanted) == 1 and wanted.isalpha():
        starting = [code for code, label in codes.items() if normalise(label).startswith(wanted)]
        if len(starting) == 1:
            return starting[0]
    return None


@dataclass
class Guess:
    column: str  # the Candour column
    source: int | None = None  # the file column's position
    score: int = 0
    others: list[int] = field(default_factory=list)


def _name_score(candour: str, file_column: str, layout: Layout) -> int:
    names = [_words(candour), *(_words(n) for n in layout.names.get(candour, ()))]
    words = _words(file_column)
    if not words:
        return 0
    for rank, name in enumerate(names):
        if words == name:
            return 100 - rank
    # A name of two words or more found among the column's words ("date received" in
    # "complaint date received"); a single word ("type") only as the whole name, or it would
    # claim every column that mentions it ("fado type").
    tokens = set(words.split())
    for rank, name in enumerate(names):
        if " " in name and set(name.split()) <= tokens:
            return 60 - rank
    return 0


def guess_sources(found: Profile, layout: Layout, codes: dict[str, Codes]) -> dict[str, Guess]:
    """Each Candour column's likeliest file column, a file column used once, best score first;
    a date column only if its values read as dates, a code column helped by its values."""
    scored: list[tuple[int, str, int]] = []
    for candour in layout.columns:
        for position, name in enumerate(found.header):
            score = _name_score(candour, name, layout)
            values = found.values[position]
            if candour in layout.dates:
                if score and not _date_formats(values)[0]:
                    score = 0
            elif candour in codes and values:
                known = sum(n for v, n in values.items() if _code_for(v, codes[candour]))
                if known >= 0.8 * sum(values.values()):
                    score += 30
            if score:
                scored.append((score, candour, position))
    guesses = {column: Guess(column) for column in layout.columns}
    used: set[int] = set()
    for score, candour, position in sorted(scored, key=lambda s: (-s[0], s[2])):
        guess = guesses[candour]
        if guess.source is None and position not in used:
            guess.source, guess.score = position, score
            used.add(position)
        elif guess.source != position:
            guess.others.append(position)
    return guesses


def _separator(values: Counter[str]) -> str | None:
    total = sum(values.values())
    for sep in SEPARATORS:
        if sum(n for v, n in values.items() if sep in v) >= 0.05 * total:
            return sep
    return None


def _q(text: str) -> str:
    """A YAML scalar holding exactly ``text`` (a JSON string is a YAML double-quoted one)."""
    return json.dumps(text, ensure_ascii=False)


def _count(n: int) -> str:
    return f"{n:,} row{'' if n == 1 else 's'}"


def draft(path: str | Path, kind: str, *, values_shown: int = 200) -> str:
    """The text of a starting mapping for ``path`` as a ``kind`` file."""
    if kind not in LAYOUTS:
        raise DraftError(
            f"'{kind}' is not a kind a mapping is for; use one of {', '.join(LAYOUTS)}."
        )
    layout = LAYOUTS[kind]
    path = Path(path)
    found = profile(path)
    codes = layout.codes()
    guesses = guess_sources(found, layout, codes)
    header = found.header
    out: list[str] = []
    add = out.append
    add(f"# A starting mapping for {path.name} as a {kind} file (interchange), drafted by")
    add(
        f"# `candour mapping draft` on {dt.date.today().isoformat()}: {_count(found.rows)}, "
        f"{len(header)} columns."
    )
    add("#")
    add("# To finish it: check each column's guess below; give a code for every value shown as ~")
    add('# (or "" for none), or a pattern or `otherwise` for the rest; then')
    add(f"#   candour import {kind} {path.name} --mapping THIS-FILE --dry-run")
    add("# An import refuses a mapping with a ~ left in it and names the line. Matching ignores")
    add('# case and extra spaces. docs/interchange.md, "Mapping files", has every option.')
    add("#")
    add("# The file's columns (distinct values, the most frequent first):")
    for position, name in enumerate(header):
        values = found.values[position]
        distinct = f"{len(values):,}{'+' if found.more[position] else ''}"
        empty = found.rows - found.filled[position]
        shown = ", ".join(_q(v) for v, _ in values.most_common(SAMPLE))
        tail = "" if len(values) <= SAMPLE else ", ..."
        add(f"#   {_q(name)}: {distinct} distinct, {_count(empty)} empty: {shown}{tail}")
    add(f"kind: {kind}")
    add(f"description: {_q(f'Drafted from {path.name}; say whose layout this is.')}")
    if found.duplicates:
        checked = (
            ""
            if found.duplicates_checked == found.rows
            else f" (of the first {_count(found.duplicates_checked)})"
        )
        add(
            f"duplicate_rows: drop   # {_count(found.duplicates)} are exact copies of an earlier "
            f"row{checked}; `keep` stops the import on them"
        )
    add("columns:")
    for column in layout.columns:
        _column(add, column, guesses[column], found, layout, codes, guesses, values_shown)
    return "\n".join(out) + "\n"


def _column(
    add: Callable[[str], None],
    column: str,
    guess: Guess,
    found: Profile,
    layout: Layout,
    codes: dict[str, Codes],
    guesses: dict[str, Guess],
    values_shown: int,
) -> None:
    header = found.header
    required = column in layout.required
    others = ", ".join(_q(header[p]) for p in guess.others[:3])
    also = f"  # also possible: {others}" if others else ""
    if guess.source is None:
        if column == "force" and "force" in codes:
            add(
                "  # No column names the force: give its code (`candour forces list`; add an agency"
            )
            add("  # with `candour forces add`).")
            add("  force: {constant: ~}")
        elif required:
            add(f"  # No column of the file looks like {column} (required): name one, or build it")
            add(
                '  # with a template ({template: "{A}-{B}"}), or give a constant ({constant: VALUE}).'
            )
            add(f"  {column}: ~")
        else:
            add(f"  # {column}: no column found; leave it out, or name one.")
        return
    name = header[guess.source]
    values = found.values[guess.source]
    if column in layout.dates:
        formats, readings = _date_formats(values)
        note = ""
        if readings:
            note = f"  # also reads as {', '.join(readings[:2])}: check which your file uses"
        written = _q(formats[0]) if len(formats) == 1 else f"[{', '.join(map(_q, formats))}]"
        add(f"  {column}: {{from: {_q(name)}, date_format: {written}}}{note}{also}")
        return
    if column == "subject_ref" and _numbered_within_case(found, guess, guesses):
        case = header[guesses["case_ref"].source]  # type: ignore[index]
        add(f"  # {_q(name)} has only {len(values)} distinct values across the file: it looks like")
        add("  # a number within each case (Officer 1, Officer 2), so the officer is the case and")
        add("  # that number; name a real officer id instead if the file has one.")
        add(f"  {column}: {{template: {_q('{' + case + '}-{' + name + '}')}}}{also}")
        return
    if column not in codes:
        add(f"  {column}: {_q(name)}{also}")
        return
    split = _separator(values) if column in layout.multi else None
    parts: Counter[str] = Counter()
    for text, n in values.items():
        for part in text.split(split) if split else [text]:
            if part.strip():
                parts[part.strip()] += n
    grouped: dict[str, tuple[str, int]] = {}
    for text, n in parts.most_common():
        key = normalise(text)
        first, total = grouped.get(key, (text, 0))
        grouped[key] = (first, total + n)
    ordered = sorted(grouped.values(), key=lambda item: -item[1])
    chosen = {text: _code_for(text, codes[column]) for text, _ in ordered}
    if not ordered:
        add(f"  {column}: {_q(name)}   # empty in every row of this file{also}")
        return
    if all(code == text for text, code in chosen.items()):
        add(f"  {column}: {_q(name)}   # every value is already a Candour code{also}")
        return
    allowed = ", ".join(sorted(codes[column]))
    if len(codes[column]) > 20:
        allowed = f"{len(codes[column])} of them, listed in docs/{'categories' if column == 'category' else 'cli'}.md"
    add(f"  {column}:{also}")
    add(f"    # codes: {allowed}")
    add(f"    from: {_q(name)}")
    if split:
        add(f"    split: {_q(split)}")
    add("    values:")
    for text, n in ordered[:values_shown]:
        code = chosen[text]
        add(f"      {_q(text)}: {_q(code) if code else '~'}   # {_count(n)}")
    rest = len(ordered) - values_shown
    if rest > 0 or found.more[guess.source]:
        more = f"{rest:,}" if rest > 0 else "more"
        add(f"    # ... and {more} distinct values not shown: map them with patterns, or")
        add("    # otherwise: CODE for every value not listed.")


NUMBERED = re.compile(r"[A-Za-z][A-Za-z .]*\s*#?\s*\d{1,2}")


def _numbered_within_case(found: Profile, guess: Guess, guesses: dict[str, Guess]) -> bool:
    """A subject column that numbers the officers of each case ("Officer 1", "Officer 2"), not
    an officer's id: few distinct values, each a word and a small number, or many fewer
    distinct values than the case column has."""
    case = guesses.get("case_ref")
    if case is None or case.source is None or guess.source is None:
        return False
    values = found.values[guess.source]
    officers, cases = len(values), len(found.values[case.source])
    if not values or officers > 20 or found.more[guess.source]:
        return False
    if all(NUMBERED.fullmatch(v.strip()) for v in values):
        return True
    return cases >= 10 and officers * 5 <= cases


__all__ = ["LAYOUTS", "DraftError", "Layout", "draft", "profile", "register_layout"]
