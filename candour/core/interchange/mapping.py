"""Column-mapping files: read a foreign layout (another force's FOI spreadsheet, a US city's
complaint export) as one of Candour's interchange layouts. The format is documented in
docs/interchange.md ("Mapping files"); shipped examples are in candour/cases/mappings/.

A mapping names, for each Candour column, where its value comes from (``from`` a column of the
file, a ``template`` over several columns, or a ``constant``) and how to turn the text into
Candour's codes (``values``, ``otherwise``, ``default``, ``split``, ``date_format``). Columns it
does not name are read from a column of the same name, if the file has one.
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
    "template",
    "constant",
    "values",
    "otherwise",
    "default",
    "split",
    "date_format",
}
_FIELD = re.compile(r"\{([^{}]+)\}")


class MappingError(Exception):
    """The mapping file itself is wrong; the message says where."""


class _TextLoader(yaml.SafeLoader):
    """YAML that keeps every scalar as text: ``Yes``, ``No``, ``01`` and ``2021-01-01`` are
    spreadsheet values to match, not booleans, numbers or dates."""


_TextLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag == "tag:yaml.org,2002:null"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _norm(text: str) -> str:
    return " ".join(text.split()).casefold()


@dataclass
class ColumnRule:
    """How one Candour column is filled from a row of the foreign file."""

    target: str
    source: str | None = None
    template: str | None = None
    constant: str | None = None
    values: dict[str, str] | None = None  # normalised source text -> Candour text
    otherwise: str | None = None
    default: str | None = None
    split: str | None = None
    date_formats: list[str] = field(default_factory=list)

    def sources(self) -> list[str]:
        if self.source is not None:
            return [self.source]
        if self.template is not None:
            return _FIELD.findall(self.template)
        return []

    def describe(self) -> str:
        if self.source is not None:
            return f"{self.target} (from '{self.source}')"
        if self.template is not None:
            return f"{self.target} (from the template '{self.template}')"
        return f"{self.target} (the constant '{self.constant}')"


class Mapping:
    def __init__(self, path: Path, kind: str, rules: dict[str, ColumnRule], description: str):
        self.path = path
        self.kind = kind
        self.rules = rules
        self.description = description

    def compile(
        self, header: list[str], columns: tuple[str, ...]
    ) -> tuple[
        Callable[[int, list[str], Callable[[int, str, str], None]], list[str]],
        dict[str, str],
        list[str],
    ]:
        """Return (row function, where each column comes from, header problems).

        The row function turns a row of the foreign file into the values of ``columns``, calling
        ``report(row, column, message)`` for a value the mapping cannot translate."""
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
            getters.append(_getter(rule, index))
            origin[column] = rule.describe()

        def row_values(
            number: int, cells: list[str], report: Callable[[int, str, str], None]
        ) -> list[str]:
            return [get(number, cells, report) for get in getters]

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
    rule: ColumnRule, index: dict[str, int]
) -> Callable[[int, list[str], Callable[[int, str, str], None]], str]:
    if rule.constant is not None:
        constant = rule.constant
        return lambda number, cells, report: constant
    if rule.source is not None:
        position = index.get(rule.source, -1)
        where = f"'{rule.source}'"

        def raw(cells: list[str]) -> str:
            return cells[position] if position >= 0 else ""
    else:
        template = rule.template or ""
        fields = [(name, index.get(name, -1)) for name in _FIELD.findall(template)]
        where = f"'{template}'"

        def raw(cells: list[str]) -> str:
            found = {name: cells[p] if p >= 0 else "" for name, p in fields}
            if not all(found.values()):
                return ""  # a template with any part missing gives nothing, not a half value
            return _FIELD.sub(lambda m: found[m.group(1)], template)

    def get(number: int, cells: list[str], report: Callable[[int, str, str], None]) -> str:
        text = raw(cells)
        if text == "":
            return rule.default or ""
        parts = [p.strip() for p in text.split(rule.split)] if rule.split else [text]
        out: list[str] = []
        for part in parts:
            if part == "":
                continue
            value = _translate(rule, part)
            if value is None:
                report(
                    number,
                    where,
                    f"'{part}' has no mapping to a {rule.target} value; add it under "
                    f"columns.{rule.target}.values (or set 'otherwise') in the mapping file.",
                )
                return ""
            if rule.date_formats and value:
                parsed = _parse_date(value, rule.date_formats)
                if parsed is None:
                    report(
                        number,
                        where,
                        f"'{value}' is not a date in the form {' or '.join(rule.date_formats)}.",
                    )
                    return ""
                value = parsed
            for piece in value.split(";") if rule.split else [value]:
                if piece and piece not in out:
                    out.append(piece)
        return ";".join(out)

    return get


def _translate(rule: ColumnRule, text: str) -> str | None:
    if rule.values is None:
        return text
    mapped = rule.values.get(_norm(text))
    if mapped is not None:
        return mapped
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
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_TextLoader)  # noqa: S506 - a SafeLoader
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
    rules: dict[str, ColumnRule] = {}
    for target, spec in document["columns"].items():
        rules[target] = _rule(path.name, str(target), spec, columns)
    return Mapping(path, kind, rules, str(document.get("description") or ""))


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
    sources = [key for key in ("from", "template", "constant") if key in spec]
    if len(sources) != 1:
        raise MappingError(
            f"{where}: say where the value comes from with exactly one of from, template or constant."
        )
    values = spec.get("values")
    if values is not None:
        if not isinstance(values, dict):
            raise MappingError(f"{where}.values: list 'source text: Candour code' pairs.")
        values = {_norm(str(k)): _text(v, f"{where}.values.{k}") for k, v in values.items()}
    date_format = spec.get("date_format") or []
    formats = [date_format] if isinstance(date_format, str) else [str(f) for f in date_format]
    rule = ColumnRule(
        target=target,
        source=_opt(spec.get("from")),
        template=_opt(spec.get("template")),
        constant=_text(spec["constant"], where) if "constant" in spec else None,
        values=values,
        otherwise=_text(spec["otherwise"], where) if "otherwise" in spec else None,
        default=_text(spec["default"], where) if "default" in spec else None,
        split=_opt(spec.get("split")),
        date_formats=formats,
    )
    if rule.template is not None and not rule.sources():
        raise MappingError(
            f"{where}.template: name at least one column in braces, e.g. '{{Year}}-{{Month}}-01'."
        )
    return rule


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
