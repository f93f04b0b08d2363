"""Reading, checking and preparing the two data-wash files (interchange §3, docs/formats.md).

Both files are read with DuckDB whatever engine links them: it checks every row quickly and in
bounded memory, and writes the prepared records to Parquet, which DuckDB and Spark both read, so
both engines see byte-for-byte the same prepared data.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from candour.vetting.records import OPTIONAL_FIELDS, SHARED_FIELDS

from .nicknames import nickname_rows

DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")
# Dates used by some systems to mean "not known"; treated as missing, not as a birthday.
PLACEHOLDER_DATES = ("1900-01-01", "1901-01-01")
# A line of an address that names a flat or unit, not the street ("Flat 3, 12 Elm Row").
_FLAT_LINE = r"^(flat|unit|apartment|apt|room|suite|floor|level)\b"
# A house number: digits, with a letter after them (12a) or not.
_HOUSE_NUMBER = r"\b([0-9]+[a-z]?)\b"


class DataWashInputError(ValueError):
    """An input file cannot be used; the message says which file, row and column, and what to do."""


@dataclass(frozen=True)
class InputFile:
    """One of the two inputs: ``workforce`` (ids in ``person_ref``) or ``national`` (``record_id``)."""

    role: str
    path: Path
    id_column: str

    @property
    def required_columns(self) -> tuple[str, ...]:
        return (self.id_column, *SHARED_FIELDS)


def workforce_file(path: str | Path) -> InputFile:
    return InputFile("workforce", Path(path), "person_ref")


def national_file(path: str | Path) -> InputFile:
    return InputFile("national", Path(path), "record_id")


def run(con: duckdb.DuckDBPyConnection, query: str) -> list[tuple[Any, ...]]:
    """Run one statement and read its whole result (DuckDB 2 requires results to be drained)."""
    return con.execute(query).fetchall()


def first_row(con: duckdb.DuckDBPyConnection, query: str) -> tuple[Any, ...] | None:
    rows = run(con, query)
    return rows[0] if rows else None


def _sql_string(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def load(con: duckdb.DuckDBPyConnection, source: InputFile) -> int:
    """Read ``source`` into table ``raw_<role>`` (all text, with a 1-based ``row_number``), check it
    and return its number of rows. Raises DataWashInputError for what stops a run: the file cannot
    be read, a column is missing, or an id is empty or repeated (a malformed cell does not stop
    it: see ``malformed_values``)."""
    name = source.path.name
    if not source.path.is_file():
        raise DataWashInputError(
            f"The {source.role} file {source.path} does not exist; check the path and try again."
        )
    table = f"raw_{source.role}"
    try:
        run(
            con,
            f"""
            create or replace table {table} as
            select row_number() over () as row_number, *
            from read_csv({_sql_string(str(source.path))}, header = true, all_varchar = true,
                          delim = ',', quote = '"', escape = '"', parallel = false)
            """,
        )
    except duckdb.Error as error:
        raise DataWashInputError(
            f"The {source.role} file {name} could not be read as a comma-separated UTF-8 file "
            f"with a header row ({str(error).splitlines()[0]}). Save it as CSV (UTF-8) and try again."
        ) from error

    columns = [row[0] for row in run(con, f"describe {table}")]
    missing = [c for c in source.required_columns if c not in columns]
    if missing:
        raise DataWashInputError(
            f"The {source.role} file {name} has no column {', '.join(missing)}. Its header row "
            f"must name these columns: {', '.join(source.required_columns)}."
        )
    for column in OPTIONAL_FIELDS:
        if column not in columns:
            run(con, f"alter table {table} add column {column} varchar")
    _check_ids(con, table, source)
    return int(first_row(con, f"select count(*) from {table}")[0])  # type: ignore[index]


def _check_ids(con: duckdb.DuckDBPyConnection, table: str, source: InputFile) -> None:
    id_col = source.id_column
    row = first_row(
        con, f"select min(row_number) from {table} where nullif(trim({id_col}), '') is null"
    )
    if row and row[0] is not None:
        raise DataWashInputError(
            f"The {source.role} file {source.path.name}, row {row[0]}, has no {id_col}; "
            f"every row needs one."
        )
    row = first_row(
        con,
        f"""
        select trim({id_col}), list(row_number order by row_number)
        from {table} group by trim({id_col}) having count(*) > 1
        order by min(row_number) limit 1
        """,
    )
    if row:
        rows = ", ".join(str(r) for r in row[1][:5])
        raise DataWashInputError(
            f"The {source.role} file {source.path.name} has {id_col} {row[0]!r} more than once "
            f"(rows {rows}); each {id_col} must be unique."
        )


def _parsed_date_sql(column: str) -> str:
    attempts = ", ".join(
        f"try_strptime(trim({column}), {_sql_string(fmt)})" for fmt in DATE_FORMATS
    )
    return f"cast(coalesce({attempts}) as date)"


def malformed_values(con: duckdb.DuckDBPyConnection, source: InputFile) -> dict[str, Any]:
    """Count the cells of ``raw_<role>`` that do not read as what their column holds, by column.

    A malformed value is evidence, not a reason to stop: a date of birth such as ``1945-04-93``
    is read for what it still says (its year and month, or its year) and otherwise as not known.
    Returns ``{column: {"cells", "read_in_part", "first_rows"}}`` for each column with any
    (``first_rows``: up to five 1-based row numbers, for the log); empty when every cell reads.
    """
    table = f"raw_{source.role}"
    row = first_row(
        con,
        f"""
        select count(*),
               count(*) filter (where date_year(date_of_birth) is not null),
               list(row_number order by row_number)[1:5]
        from {table}
        where nullif(trim(date_of_birth), '') is not null
          and {_parsed_date_sql("date_of_birth")} is null
        """,
    )
    if not row or not row[0]:
        return {}
    return {
        "date_of_birth": {
            "cells": int(row[0]),
            "read_in_part": int(row[1]),
            "first_rows": [int(r) for r in row[2]],
        }
    }


def install_helpers(con: duckdb.DuckDBPyConnection) -> None:
    """Macros and the nickname look-up table that ``prepare`` uses."""
    run(
        con,
        """
        create or replace macro clean_name(x) as nullif(trim(regexp_replace(
            regexp_replace(lower(strip_accents(x)), '[''`’]', '', 'g'),
            '[^a-z]+', ' ', 'g')), '');
        create or replace macro name_tokens(x) as
            list_filter(string_split(coalesce(clean_name(x), ''), ' '), lambda t: length(t) >= 2);
        create or replace macro forename_tokens(x) as
            list_filter(string_split(coalesce(clean_name(x), ''), ' '), lambda t: length(t) >= 1);
        create or replace macro joined_name(x) as nullif(replace(clean_name(x), ' ', ''), '');
        create or replace macro clean_identifier(x) as nullif(regexp_replace(
            upper(coalesce(x, '')), '[^A-Z0-9]', '', 'g'), '');
        -- What a date of birth that is not a date still says: its year (four digits) and month
        -- (1 to 12), from YYYY-MM-DD or DD/MM/YYYY shapes with any day, or YYYY-MM, MM/YYYY, YYYY.
        create or replace macro date_year(x) as coalesce(
            try_cast(nullif(regexp_extract(trim(x),
                '^([0-9]{4})(-[0-9]{1,2}(-[0-9]{1,2})?)?$', 1), '') as integer),
            try_cast(nullif(regexp_extract(trim(x),
                '^([0-9]{1,2}/)?[0-9]{1,2}/([0-9]{4})$', 2), '') as integer));
        create or replace macro valid_month(m) as case when m between 1 and 12 then m end;
        create or replace macro date_month(x) as valid_month(coalesce(
            try_cast(nullif(regexp_extract(trim(x),
                '^[0-9]{4}-([0-9]{1,2})(-[0-9]{1,2})?$', 1), '') as integer),
            try_cast(nullif(regexp_extract(trim(x),
                '^([0-9]{1,2}/)?([0-9]{1,2})/[0-9]{4}$', 2), '') as integer)));
        -- An address's comma-separated parts, lower case, punctuation as spaces, each with a letter.
        create or replace macro address_parts(x) as list_filter(
            list_transform(string_split(lower(coalesce(x, '')), ','),
                           lambda p: trim(regexp_replace(p, '[^a-z0-9]+', ' ', 'g'))),
            lambda p: regexp_matches(p, '[a-z]'));
        create or replace macro clean_postcode(x) as
            nullif(regexp_replace(upper(x), '[^A-Z0-9]', '', 'g'), '');
        create or replace table nickname_lookup (name varchar, formal varchar[], family varchar);
        """,
    )
    con.executemany("insert into nickname_lookup values (?, ?, ?)", nickname_rows())


def prepare(con: duckdb.DuckDBPyConnection, source: InputFile, parquet_path: Path) -> None:
    """Write the standardised record of every row of ``raw_<role>`` to ``parquet_path``.

    Names are lower-cased with accents, apostrophes and punctuation removed; surnames are also kept
    as the set of every current, previous and double-barrelled part; dates become ISO strings with a
    day/month-swapped twin; postcodes are split into sector and district.
    """
    placeholders = ", ".join(_sql_string(d) for d in PLACEHOLDER_DATES)
    unit = "^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$"
    outward = "^[A-Z]{1,2}[0-9][A-Z0-9]?$"
    run(
        con,
        f"""
        copy (
        with cleaned as (
            select
                trim({source.id_column}) as unique_id,
                forename_tokens(forenames) as forenames_all,
                joined_name(surname) as surname,
                name_tokens(surname) as surname_tokens,
                list_filter(
                    list_transform(string_split(coalesce(previous_surnames, ''), ';'),
                                   lambda s: joined_name(s)),
                    lambda s: s is not null) as previous_surnames,
                flatten(list_transform(string_split(coalesce(previous_surnames, ''), ';'),
                                            lambda s: name_tokens(s))) as previous_tokens,
                {_parsed_date_sql("date_of_birth")} as birth_date,
                date_year(date_of_birth) as read_year,
                date_month(date_of_birth) as read_month,
                case upper(left(trim(sex), 1)) when 'M' then 'M' when 'F' then 'F' end as sex,
                clean_postcode(postcode) as pc,
                nullif(trim(regexp_replace(lower(address), '[^a-z0-9]+', ' ', 'g')), '')
                    as address,
                address_parts(address) as address_parts,
                clean_identifier(ni_number) as ni_clean
            from raw_{source.role}
        ), dated as (
            select *,
                -- The street line: the first part that is not a flat or unit line.
                list_filter(address_parts,
                    lambda p: not regexp_matches(p, '{_FLAT_LINE}'))[1] as street_line,
                case when cast(birth_date as varchar) in ({placeholders}) then null
                     else birth_date end as dob_date,
                -- A cell that is not a date keeps what it still says (see malformed_values).
                case when birth_date is null then read_year end as part_year,
                case when birth_date is null and read_year is not null then read_month end
                    as part_month,
                -- Temporary NI numbers (TN, then date of birth and sex) are shared by everyone
                -- born that day, twins included, and a number of one repeated character is a
                -- placeholder: neither identifies anybody, so both count as missing.
                case when ni_clean like 'TN%' or length(ni_clean) < 2
                          or length(replace(ni_clean, left(ni_clean, 1), '')) = 0
                     then null else ni_clean end as ni
            from cleaned
        )
        select
            d.unique_id,
            d.forenames_all[1] as first_forename,
            d.forenames_all,
            nullif(substr(d.forenames_all[1], 2), '') as forename_tail,
            d.forenames_all[2] as middle_name,
            coalesce(n.formal, [d.forenames_all[1]]) as forename_formal,
            coalesce(n.family, d.forenames_all[1]) as forename_family,
            substr(d.forenames_all[1], 1, 1) as forename_initial,
            d.surname,
            substr(d.surname, 1, 1) as surname_initial,
            d.surname_tokens,
            d.previous_surnames,
            d.previous_surnames[1] as previous_surname,
            list_distinct(list_filter(
                list_concat([d.surname], d.surname_tokens, d.previous_surnames, d.previous_tokens),
                lambda s: s is not null)) as surnames_all,
            cast(d.dob_date as varchar) as dob,
            -- The date as far as it could be read, for the reasons: 1945-04-12, 1945-04 or 1945.
            coalesce(cast(d.dob_date as varchar),
                     cast(d.part_year as varchar) || '-' || lpad(cast(d.part_month as varchar), 2, '0'),
                     cast(d.part_year as varchar)) as dob_as_read,
            case when day(d.dob_date) <= 12 and day(d.dob_date) <> month(d.dob_date)
                 then cast(make_date(year(d.dob_date), day(d.dob_date), month(d.dob_date))
                           as varchar) end as dob_swapped,
            coalesce(year(d.dob_date), d.part_year) as dob_year,
            coalesce(month(d.dob_date), d.part_month) as dob_month,
            day(d.dob_date) as dob_day,
            cast(year(d.dob_date) as varchar) || '-'
                || cast(least(month(d.dob_date), day(d.dob_date)) as varchar) || '-'
                || cast(greatest(month(d.dob_date), day(d.dob_date)) as varchar) as dob_key,
            d.sex,
            case when regexp_matches(d.pc, '{unit}')
                 then left(d.pc, length(d.pc) - 3) || ' ' || right(d.pc, 3)
                 else d.pc end as postcode,
            case when regexp_matches(d.pc, '{unit}')
                 then left(d.pc, length(d.pc) - 3) || ' ' || substr(d.pc, length(d.pc) - 2, 1)
                 end as postcode_sector,
            case when regexp_matches(d.pc, '{unit}') then left(d.pc, length(d.pc) - 3)
                 when regexp_matches(d.pc, '{outward}') then d.pc end as postcode_district,
            d.address,
            -- The address by its parts, for addresses whose postcode does not agree or is not a
            -- UK one (overseas, free text, missing): house number, street and places.
            nullif(regexp_extract(coalesce(d.street_line, ''), '{_HOUSE_NUMBER}', 1), '')
                as address_number,
            nullif(trim(regexp_replace(regexp_replace(coalesce(d.street_line, ''),
                '{_HOUSE_NUMBER}', ' ', 'g'), ' +', ' ', 'g')), '') as address_street,
            nullif(list_filter(list_transform(
                    list_filter(d.address_parts, lambda p: p <> coalesce(d.street_line, '')
                                and not regexp_matches(p, '{_FLAT_LINE}')
                                and not regexp_matches(replace(upper(p), ' ', ''), '{unit}')),
                    lambda p: nullif(trim(regexp_replace(p, '[^a-z]+', ' ', 'g')), '')),
                lambda p: p is not null), []) as address_places,
            d.ni as ni_number,
            -- Halves (the middle character left out), for blocking on a mistyped identifier.
            left(d.ni, length(d.ni) // 2) as ni_head,
            right(d.ni, length(d.ni) // 2) as ni_tail
        from dated d
        left join nickname_lookup n on n.name = d.forenames_all[1]
        ) to {_sql_string(str(parquet_path))} (format parquet)
        """,
    )


def sample_for_u(
    con: duckdb.DuckDBPyConnection, parquet_path: Path, rows: int, out_path: Path
) -> int:
    """Write a fixed sample of ``rows`` prepared records (chosen by a hash of the id, the same
    every run and for every engine) for estimating u probabilities; returns its size."""
    run(
        con,
        f"""
        copy (select * from read_parquet({_sql_string(str(parquet_path))})
              order by md5(unique_id), unique_id limit {int(rows)})
        to {_sql_string(str(out_path))} (format parquet)
        """,
    )
    count = first_row(con, f"select count(*) from read_parquet({_sql_string(str(out_path))})")
    return int(count[0]) if count else 0


def records_sharing_keys(
    con: duckdb.DuckDBPyConnection,
    parquet_path: Path,
    other_path: Path,
    keys: tuple[tuple[str, ...], ...],
    out_path: Path,
) -> None:
    """Write the records of ``parquet_path`` that agree with some record of ``other_path`` on all
    the columns of at least one of ``keys``: the only ones that can pair with it under those
    blocking keys."""
    other = f"read_parquet({_sql_string(str(other_path))})"
    tests = " or ".join(
        f"({', '.join(key)}) in (select {', '.join(key)} from {other})" for key in keys
    )
    run(
        con,
        f"""
        copy (select * from read_parquet({_sql_string(str(parquet_path))}) where {tests})
        to {_sql_string(str(out_path))} (format parquet)
        """,
    )
