"""Column-mapping files: read a foreign layout (another force's FOI spreadsheet, a US city's
complaint export) as one of Candour's interchange layouts. The format is documented in
docs/interchange.md ("Mapping files"); shipped examples are in candour/cases/mappings/.

A mapping names, for each Candour column, where its value comes from (``from`` a column of the
file, the first non-empty of several (``first_of``), a ``template`` over several columns, or a
``constant``), which part of it to keep (``extract``) and how to turn the text into Candour's
codes (``values``, ``patterns``, ``otherwise``, ``default``, ``split``, ``date_format``). A
template may number the rows of a group (``{#}`` with ``number_within``). Columns it does not
name are read from a column of the same name, if the file has one. ``duplicate_rows: drop``
leaves out rows that are exact copies of an earlier row (``Mapping.drop_duplicates``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

RULE_KEYS = {
    "from",
    "first_of",
    "template",
    "constant",
    "extract",
    "number_within",
    "values",
    "patterns",
    "otherwise",
    "default",
    "split",
    "date_format",
    "not_before",
}
TOP_KEYS = {"kind", "description", "columns", "duplicate_rows", "join", "repeated_keys"}
REPEATED_KEYS = ("stop", "first", "last")
JOIN_KEYS = {"file", "on", "columns"}
SOURCE_KEYS = ("from", "first_of", "template", "constant")
PATTERN_KEYS = ("prefix", "regex")
_FIELD = re.compile(r"\{([^{}]+)\}")
ROW_NUMBER = "#"  # the template field that numbers the rows of a group (number_within)
# Where a mapping reports a value it cannot translate: (row, where, sentence); and the set of
# (row, Candour column) it could not fill, so a checker does not call them "empty" as well.
Report = Callable[[int, str, str], None]


class MappingError(Exception):
    """The mapping file itself is wrong; the message says where."""


class _TextLoader(yaml.SafeLoader):
    """YAML that keeps every scalar as text: ``Yes``, ``No``, ``01`` and ``2021-01-01`` are
    spreadsheet values to match, not booleans, numbers or dates."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def normalise(text: str) -> str:
    """Text as values are matched: extra spaces dropped, case ignored."""
    return " ".join(text.split()).casefold()


@dataclass
class ColumnRule:
    """How one Candour column is filled from a row of the foreign file."""

    target: str
    source: str | None = None
    first_of: list[str] | None = None  # column names, or templates (text with braces)
    template: str | None = None
    constant: str | None = None
    extract: re.Pattern[str] | None = None
    number_within: list[str] = field(default_factory=list)
    values: dict[str, str] | None = None  # normalised source text -> Candour text
    # (kind, text, code) tried in order after ``values``: a prefix (normalised) or a regex
    patterns: list[tuple[str, str | re.Pattern[str], str]] = field(default_factory=list)
    otherwise: str | None = None
    default: str | None = None
    split: str | None = None
    date_formats: list[str] = field(default_factory=list)
    not_before: str | None = None  # a Candour date column this date may not come before

    def sources(self) -> list[str]:
        if self.source is not None:
            names = [self.source]
        elif self.first_of is not None:
            names = [n for item in self.first_of for n in _item_sources(item)]
        elif self.template is not None:
            names = _template_sources(self.template)
        else:
            names = []
        return [*names, *(name for part in self.number_within for name in part.split("|"))]

    def describe(self) -> str:
        if self.source is not None:
            return f"{self.target} (from '{self.source}')"
        if self.first_of is not None:
            return f"{self.target} (from the first of {', '.join(repr(i) for i in self.first_of)})"
        if self.template is not None:
            return f"{self.target} (from the template '{self.template}')"
        return f"{self.target} (the constant '{self.constant}')"


def _template_sources(template: str) -> list[str]:
    """The columns a template names: ``{A}``, each of ``{A|B}`` (the first non-empty); not
    ``{#}``, the row's number within its group."""
    return [
        name
        for field_text in _FIELD.findall(template)
        for name in field_text.split("|")
        if name != ROW_NUMBER
    ]


def _item_sources(item: str) -> list[str]:
    return _template_sources(item) if _FIELD.search(item) else [item]


@dataclass(frozen=True)
class Join:
    """A second file whose row with the same key gives each row more columns (``join:``)."""

    file: str  # relative to the imported file's folder
    on: str  # the key column, by the same name in both files
    columns: list[str] | None  # the second file's columns to add (None: all but the key)


class Mapping:
    def __init__(
        self,
        path: Path,
        kind: str,
        rules: dict[str, ColumnRule],
        description: str,
        drop_duplicates: bool = False,
        join: Join | None = None,
        repeated_keys: str = "stop",
    ):
        self.path = path
        self.kind = kind
        self.rules = rules
        self.description = description
        self.drop_duplicates = drop_duplicates  # duplicate_rows: drop
        self.join = join
        # repeated_keys: rows that give the key of another row (with any values): stop the
        # import (the default), or keep the first or the last row of each key
        self.repeated_keys = repeated_keys

    def compile(
        self,
        header: list[str],
        columns: tuple[str, ...],
        unmapped: set[tuple[int, str]] | None = None,
        cleared: list[tuple[int, str, str]] | None = None,
    ) -> tuple[
        Callable[[int, list[str], Callable[[int, str, str], None]], list[str]],
        dict[str, str],
        list[str],
    ]:
        """Return (row function, where each column comes from, header problems).

        The row function turns a row of the foreign file into the values of ``columns``, calling
        ``report(row, column, message)`` for a value the mapping cannot translate (and adding
        (row, Candour column) to ``unmapped``). It keeps count of the rows of each group that
        ``number_within`` names, so give it every row of the file, in order, once. A date its
        rule's ``not_before`` finds earlier than that column's date is read as not known and
        added to ``cleared`` (row, column, the other column)."""
        index = _header_index(header)
        problems: list[str] = []
        getters: list[Callable[[int, list[str], Callable[[int, str, str], None]], str]] = []
        origin: dict[str, str] = {}
        for column in columns:
            rule = self.rules.get(column)
            if rule is None:
                if column in index:
                    getters.append(_same_name(index[column]))
                    origin[column] = column
                else:
                    getters.append(lambda number, cells, report: "")
                    origin[column] = column
                continue
            for name in rule.sources():
                if name not in index:
                    problems.append(
                        f"'{name}' is named by the mapping for {column} but is not a column of the file"
                    )
            getters.append(_getter(rule, index, set() if unmapped is None else unmapped))
            origin[column] = rule.describe()

        position = {column: n for n, column in enumerate(columns)}
        ordered = [
            (position[column], position[rule.not_before], column, rule.not_before)
            for column, rule in self.rules.items()
            if rule.not_before is not None and rule.not_before in position
        ]
        log = cleared if cleared is not None else []

        def row_values(
            number: int, cells: list[str], report: Callable[[int, str, str], None]
        ) -> list[str]:
            values = [get(number, cells, report) for get in getters]
            for at, other, column, before in ordered:
                date, floor = values[at], values[other]
                if date and ISO_DAY.fullmatch(floor) and ISO_DAY.fullmatch(date) and date < floor:
                    values[at] = ""
                    log.append((number, column, before))
            return values

        return row_values, origin, problems


def _same_name(position: int) -> Callable[[int, list[str], Callable[[int, str, str], None]], str]:
    def get(number: int, cells: list[str], report: Callable[[int, str, str], None]) -> str:
        return cells[position]

    return get


def _header_index(header: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, name in enumerate(header):
        index.setdefault(name, position)  # the first of two same-named columns wins
    return index


def _getter(
    rule: ColumnRule, index: dict[str, int], unmapped: set[tuple[int, str]]
) -> Callable[[int, list[str], Report], str]:
    if rule.constant is not None:
        constant = rule.constant
        return lambda number, cells, report: constant
    # Each part of the group is a column, or the first non-empty of several (``A|B``).
    group = [[index.get(name, -1) for name in part.split("|")] for part in rule.number_within]
    seen: dict[tuple[str, ...], int] = {}
    ordinal = [0]  # the current row's number within its group, set before ``raw`` runs
    raw: Callable[[list[str]], str]
    if rule.source is not None:
        position = index.get(rule.source, -1)
        raw = (lambda cells: cells[position]) if position >= 0 else (lambda cells: "")
        where = f"'{rule.source}'"
    elif rule.first_of is not None:
        raw = _first_of([_builder(item, index, ordinal) for item in rule.first_of])
        where = " or ".join(f"'{item}'" for item in rule.first_of)
    else:
        raw = _builder(rule.template or "", index, ordinal, template=True)
        where = f"'{rule.template}'"

    convert = _converter(rule)
    # A file holds few distinct texts a column: each is converted once (up to CACHED of them).
    done: dict[str, tuple[str, str | None]] = {}

    def get(number: int, cells: list[str], report: Report) -> str:
        if group:
            key = tuple(next((cells[p] for p in part if p >= 0 and cells[p]), "") for part in group)
            ordinal[0] = seen[key] = seen.get(key, 0) + 1
        text = raw(cells)
        result = done.get(text)
        if result is None:
            result = convert(text)
            if len(done) < CACHED:
                done[text] = result
        value, problem = result
        if problem is not None:
            unmapped.add((number, rule.target))
            report(number, where, problem)
        return value

    return get


CACHED = 100_000
ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _converter(rule: ColumnRule) -> Callable[[str], tuple[str, str | None]]:
    """The text of a cell (or template) as Candour's value, or "" and the sentence saying why
    the mapping cannot translate it: ``extract``, ``default``, ``split``, ``values``,
    ``patterns``, ``otherwise`` and ``date_format``, in that order."""

    def convert(text: str) -> tuple[str, str | None]:
        if text and rule.extract is not None:
            found = rule.extract.search(text)
            if found is None:
                return "", (
                    f"'{text}' does not hold the part columns.{rule.target}.extract looks for "
                    f"('{rule.extract.pattern}')."
                )
            text = (found.group(1) if rule.extract.groups else found.group(0)).strip()
        if text == "":
            return rule.default or "", None
        parts = [p.strip() for p in text.split(rule.split)] if rule.split else [text]
        out: list[str] = []
        for part in parts:
            if part == "":
                continue
            value = _translate(rule, part)
            if value is None:
                return "", (
                    f"'{part}' has no mapping to a {rule.target} value; add it under "
                    f"columns.{rule.target}.values (or a pattern, or set 'otherwise') in the "
                    "mapping file."
                )
            if rule.date_formats and value:
                parsed = _parse_date(value, rule.date_formats)
                if parsed is None:
                    return "", (
                        f"'{value}' is not a date in the form {' or '.join(rule.date_formats)}."
                    )
                value = parsed
            for piece in value.split(";") if rule.split else [value]:
                if piece and piece not in out:
                    out.append(piece)
        return ";".join(out), None

    return convert


def _first_of(items: list[Callable[[list[str]], str]]) -> Callable[[list[str]], str]:
    def first(cells: list[str]) -> str:
        for build in items:
            text = build(cells)
            if text:
                return text
        return ""

    return first


def _builder(
    item: str, index: dict[str, int], ordinal: list[int], template: bool = False
) -> Callable[[list[str]], str]:
    """The text of one column (``item`` names it) or of a template (text with braces) for a
    row. In a template, ``{A|B}`` is the first non-empty of A and B, ``{#}`` the row's number
    within its group; if any field is empty the result is empty (no half values)."""
    if not template and not _FIELD.search(item):
        position = index.get(item, -1)
        return lambda cells: cells[position] if position >= 0 else ""
    fields = [
        (text, [index.get(name, -1) for name in text.split("|")])
        for text in dict.fromkeys(_FIELD.findall(item))
    ]

    def build(cells: list[str]) -> str:
        found: dict[str, str] = {}
        for text, positions in fields:
            value = ""
            if text == ROW_NUMBER:
                value = str(ordinal[0])
            else:
                for p in positions:
                    if p >= 0 and cells[p]:
                        value = cells[p]
                        break
            if not value:
                return ""  # a template with any part missing gives nothing, not a half value
            found[text] = value
        return _FIELD.sub(lambda m: found[m.group(1)], item)

    return build


def _translate(rule: ColumnRule, text: str) -> str | None:
    if rule.values is None and not rule.patterns:
        return text
    norm = normalise(text)
    mapped = rule.values.get(norm) if rule.values else None
    if mapped is not None:
        return mapped
    for kind, pattern, code in rule.patterns:
        if kind == "prefix" and norm.startswith(str(pattern)):
            return code
        if kind == "regex" and isinstance(pattern, re.Pattern) and pattern.search(text):
            return code
    return rule.otherwise


def _parse_date(text: str, formats: list[str]) -> str | None:
    for fmt in formats:
        try:
            return dt.datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    # Real date cells of a spreadsheet arrive already in ISO form (see readers.cell_text).
    try:
        if len(text) == 10:
            return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        pass
    return None


def load_mapping(path: str | Path, kind: str, columns: tuple[str, ...]) -> Mapping:
    """Read and check a mapping file for importing ``kind``. Raises ``MappingError``."""
    path = Path(path)
    if not path.is_file():
        raise MappingError(f"There is no mapping file at {path}.")
    text = path.read_text(encoding="utf-8")
    try:
        document = yaml.load(text, Loader=_TextLoader)  # noqa: S506 - a SafeLoader
        top, by_column, by_value = _lines(
            yaml.compose(text, Loader=_TextLoader)  # noqa: S506 - the same
        )
    except yaml.YAMLError as exc:
        raise MappingError(f"{path.name} is not valid YAML: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("columns"), dict):
        raise MappingError(f"{path.name} needs a 'columns:' section naming Candour's columns.")
    declared = document.get("kind")
    if declared is not None and declared != kind:
        raise MappingError(
            f"{path.name} is a mapping for '{declared}' files, not '{kind}'; "
            f"use it with 'candour import {declared}'."
        )
    unknown = set(document) - TOP_KEYS
    if unknown:
        first = min(unknown, key=lambda key: top.get(str(key), 0))
        raise MappingError(
            f"{path.name}, line {top.get(str(first), 1)}: unknown section {', '.join(sorted(map(str, unknown)))}; the sections are "
            f"{', '.join(sorted(TOP_KEYS))}."
        )
    duplicates = document.get("duplicate_rows", "keep")
    if duplicates not in ("keep", "drop"):
        raise MappingError(
            f"{path.name}, line {top.get('duplicate_rows', 1)}, duplicate_rows: '{duplicates}' "
            "is neither 'keep' nor 'drop'."
        )
    repeated = document.get("repeated_keys", "stop")
    if repeated not in REPEATED_KEYS:
        raise MappingError(
            f"{path.name}, line {top.get('repeated_keys', 1)}, repeated_keys: '{repeated}' is "
            f"not one of {', '.join(REPEATED_KEYS)}."
        )
    rules: dict[str, ColumnRule] = {}
    for target, spec in document["columns"].items():
        where = f"{path.name}, line {by_column.get(str(target), 1)}"
        _unfilled(path.name, str(target), spec, by_column, by_value)
        rules[target] = _rule(where, str(target), spec, columns)
    where = f"{path.name}, line {top.get('join', 1)}"
    join = _join(where, document["join"]) if "join" in document else None
    return Mapping(
        path,
        kind,
        rules,
        str(document.get("description") or ""),
        duplicates == "drop",
        join,
        repeated,
    )


def _lines(
    node: yaml.Node | None,
) -> tuple[dict[str, int], dict[str, int], dict[tuple[str, str], int]]:
    """The line (from 1) of each top-level key, of each entry under ``columns:`` and of each
    source text under a column's ``values:``, so that a message can name where the mistake is."""
    top: dict[str, int] = {}
    by_column: dict[str, int] = {}
    by_value: dict[tuple[str, str], int] = {}
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            top[str(key.value)] = key.start_mark.line + 1
            if key.value == "columns" and isinstance(value, yaml.MappingNode):
                for column, spec in value.value:
                    by_column[str(column.value)] = column.start_mark.line + 1
                    if not isinstance(spec, yaml.MappingNode):
                        continue
                    for option, entries in spec.value:
                        if option.value == "values" and isinstance(entries, yaml.MappingNode):
                            for text, _ in entries.value:
                                by_value[str(column.value), str(text.value)] = (
                                    text.start_mark.line + 1
                                )
    return top, by_column, by_value


def _unfilled(
    name: str,
    target: str,
    spec: Any,
    by_column: dict[str, int],
    by_value: dict[tuple[str, str], int],
) -> None:
    """Refuse a ``~`` (no value yet) a drafted mapping left (``candour mapping draft``), naming
    the line of each: a column with no source, a constant with no value, a source text with no
    code (``""`` is the way to say "no code")."""
    line = by_column.get(target, 1)
    if spec is None:
        raise MappingError(
            f"{name}, line {line}, columns.{target}: has no source yet (~): name the file's "
            "column it comes from (or a template or constant), or remove the line."
        )
    if not isinstance(spec, dict):
        return
    if "constant" in spec and spec["constant"] is None:
        raise MappingError(
            f"{name}, line {line}, columns.{target}.constant: has no value yet (~): write it "
            "(for the force, its code: candour forces list)."
        )
    values = spec.get("values")
    if isinstance(values, dict):
        missing = [str(text) for text, code in values.items() if code is None]
        if missing:
            lines = ", ".join(
                f"line {by_value.get((target, text), line)} ({text!r})" for text in missing[:10]
            )
            more = f" and {len(missing) - 10} more" if len(missing) > 10 else ""
            raise MappingError(
                f"{name}, columns.{target}.values: {len(missing)} source text"
                f"{' has' if len(missing) == 1 else 's have'} no code yet (~): {lines}{more}. "
                'Write the Candour code for each, or "" for none.'
            )


def _join(name: str, spec: Any) -> Join:
    where = f"{name}, join"
    if not isinstance(spec, dict) or "file" not in spec or "on" not in spec:
        raise MappingError(
            f"{where}: name the second file and the key column both files share, e.g. "
            "{file: complaints.csv, on: complaint_id}."
        )
    unknown = set(spec) - JOIN_KEYS
    if unknown:
        raise MappingError(
            f"{where}: unknown option {', '.join(sorted(map(str, unknown)))}; the options are "
            f"{', '.join(sorted(JOIN_KEYS))}."
        )
    wanted = spec.get("columns")
    if wanted is not None and (not isinstance(wanted, list) or not wanted):
        raise MappingError(f"{where}.columns: list the second file's columns to add.")
    return Join(
        file=str(spec["file"]),
        on=str(spec["on"]),
        columns=[str(c) for c in wanted] if wanted is not None else None,
    )


def _rule(name: str, target: str, spec: Any, columns: tuple[str, ...]) -> ColumnRule:
    where = f"{name}, columns.{target}"
    if target not in columns:
        raise MappingError(
            f"{where}: '{target}' is not a Candour column; use one of {', '.join(columns)}."
        )
    if isinstance(spec, str):
        spec = {"from": spec}  # shorthand: `case_ref: Reference`
    if not isinstance(spec, dict):
        raise MappingError(f"{where}: give a column name or a set of options (from, values, ...).")
    unknown = set(spec) - RULE_KEYS
    if unknown:
        raise MappingError(
            f"{where}: unknown option {', '.join(sorted(unknown))}; the options are {', '.join(sorted(RULE_KEYS))}."
        )
    sources = [key for key in SOURCE_KEYS if key in spec]
    if len(sources) != 1:
        raise MappingError(
            f"{where}: say where the value comes from with exactly one of from, first_of, "
            "template or constant."
        )
    first_of = spec.get("first_of")
    if first_of is not None and (
        not isinstance(first_of, list) or len(first_of) < 2 or not all(first_of)
    ):
        raise MappingError(
            f"{where}.first_of: list two or more columns (or templates), e.g. [Officer ID, Badge]."
        )
    number_within = spec.get("number_within") or []
    if isinstance(number_within, str):
        number_within = [number_within]
    template = _opt(spec.get("template"))
    uses_number = template is not None and f"{{{ROW_NUMBER}}}" in template
    uses_number = uses_number or any(f"{{{ROW_NUMBER}}}" in str(i) for i in first_of or [])
    if uses_number != bool(number_within):
        raise MappingError(
            f"{where}: a template's {{#}} (the row's number within its group) and "
            "number_within (the columns that make the group) go together; give both or neither."
        )
    extract = _regex(spec["extract"], f"{where}.extract") if "extract" in spec else None
    patterns = _patterns(spec.get("patterns"), f"{where}.patterns")
    values = spec.get("values")
    if values is not None:
        if not isinstance(values, dict):
            raise MappingError(f"{where}.values: list 'source text: Candour code' pairs.")
        values = {normalise(str(k)): _text(v, f"{where}.values.{k}") for k, v in values.items()}
    date_format = spec.get("date_format") or []
    formats = [date_format] if isinstance(date_format, str) else [str(f) for f in date_format]
    not_before = _opt(spec.get("not_before"))
    if not_before is not None:
        if not formats:
            raise MappingError(
                f"{where}.not_before: only a date (a column with a date_format) can be kept "
                "from coming before another."
            )
        if not_before not in columns or not_before == target:
            raise MappingError(
                f"{where}.not_before: '{not_before}' is not another Candour column; use one of "
                f"{', '.join(c for c in columns if c != target)}."
            )
    rule = ColumnRule(
        target=target,
        source=_opt(spec.get("from")),
        first_of=[str(item) for item in first_of] if first_of is not None else None,
        template=template,
        constant=_text(spec["constant"], where) if "constant" in spec else None,
        extract=extract,
        number_within=[str(name) for name in number_within],
        values=values,
        patterns=patterns,
        otherwise=_text(spec["otherwise"], where) if "otherwise" in spec else None,
        default=_text(spec["default"], where) if "default" in spec else None,
        split=_opt(spec.get("split")),
        date_formats=formats,
        not_before=not_before,
    )
    if rule.template is not None and not rule.sources():
        raise MappingError(
            f"{where}.template: name at least one column in braces, e.g. '{{Year}}-{{Month}}-01'."
        )
    return rule


def _regex(text: Any, where: str) -> re.Pattern[str]:
    try:
        return re.compile(str(text), re.IGNORECASE)
    except re.error as exc:
        raise MappingError(f"{where}: '{text}' is not a regular expression: {exc}.") from exc


def _patterns(spec: Any, where: str) -> list[tuple[str, str | re.Pattern[str], str]]:
    """``patterns: [{prefix: Substantiated, code: ...}, {regex: '^Sub.*CD', code: ...}]``."""
    if spec is None:
        return []
    if not isinstance(spec, list):
        raise MappingError(
            f"{where}: list the patterns, each {{prefix: TEXT, code: CODE}} or {{regex: RE, code: CODE}}."
        )
    out: list[tuple[str, str | re.Pattern[str], str]] = []
    for number, item in enumerate(spec, start=1):
        here = f"{where}[{number}]"
        kinds = [k for k in PATTERN_KEYS if isinstance(item, dict) and k in item]
        if (
            not isinstance(item, dict)
            or len(kinds) != 1
            or "code" not in item
            or set(item) - {*PATTERN_KEYS, "code"}
        ):
            raise MappingError(
                f"{here}: give one of prefix or regex, and the code, e.g. "
                "{prefix: Substantiated, code: other}."
            )
        kind = kinds[0]
        code = _text(item["code"], here)
        if kind == "prefix":
            out.append((kind, normalise(str(item[kind])), code))
        else:
            out.append((kind, _regex(item[kind], here), code))
    return out


def _opt(value: Any) -> str | None:
    return None if value is None else str(value)


def _text(value: Any, where: str) -> str:
    """A mapped value: text, or a list of codes (joined with ';', for multi-value columns)."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ";".join(str(v) for v in value if v is not None)
    if isinstance(value, dict):
        raise MappingError(f"{where}: expected a code or a list of codes.")
    return str(value)
