"""Police forces and agencies: what a code may look like, which countries are known, adding one
(``candour forces add``, the admin pages), and the one sentence every error about an unknown
force code ends with (docs/cli.md, "candour forces").

The shipped list (``candour/reference/forces.csv``) is the UK's forces; another country's agency
or a US city's department is added here and is a force like any other. A country is stored by
name: one of the UK's nations as the shipped list has them, or a country's ISO 3166 name
(``US`` and ``United States`` are both stored as "United States").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pycountry
from django.db import IntegrityError, transaction
from django.utils.text import slugify

from candour.core import audit
from candour.core.interchange.cells import control_character
from candour.core.models import Force, User

CODE_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
CODE_MAX_LENGTH = 40  # the lengths of Force's fields
NAME_MAX_LENGTH = 120
REGION_MAX_LENGTH = 60
# The UK's nations and the two wider areas national forces cover, as forces.csv names them.
UK_COUNTRIES = ("England", "Wales", "Scotland", "Northern Ireland", "Great Britain")
DEFAULT_COUNTRY = "United Kingdom"


class ForceRefused(ValueError):
    """A force that cannot be added as given; the message says why and what to do.
    ``usage`` is true when the input itself is malformed (exit 2), false when it conflicts with
    a force already there (exit 1)."""

    def __init__(self, message: str, *, usage: bool) -> None:
        super().__init__(message)
        self.usage = usage


def unknown_force_message(codes: str | Sequence[str]) -> str:
    """The one sentence for force codes that are in no force's row, saying how to add one:
    imports, mappings, options and forms all end their error with it."""
    unknown = [codes] if isinstance(codes, str) else list(codes)
    named = ", ".join(f"'{code}'" for code in unknown)
    one = len(unknown) == 1
    verb = "is not a force Candour knows" if one else "are not forces Candour knows"
    code = unknown[0] if one and CODE_PATTERN.fullmatch(unknown[0]) else "CODE"
    return (
        f"{named} {verb}; add {'it' if one else 'each'} with: candour forces add {code} "
        "--name NAME [--country C] (docs/cli.md), or use a code that candour forces list shows."
    )


# The same sentence with CODE for the code: how an import's summary names the problem.
UNKNOWN_FORCE_PROBLEM = unknown_force_message("CODE").removeprefix("'CODE' ")


def unknown_codes(codes: Iterable[str]) -> list[str]:
    """Those of ``codes`` that name no force, sorted (one query)."""
    wanted = set(codes)
    known = set(Force.objects.filter(code__in=wanted).values_list("code", flat=True))
    return sorted(wanted - known)


def check_code(code: str) -> str:
    """A new force's code: lower-case letters, digits and single hyphens, like data.police.uk's
    identifiers (``avon-and-somerset``). Codes are keys and never change."""
    if CODE_PATTERN.fullmatch(code) and len(code) <= CODE_MAX_LENGTH:
        return code
    suggestion = slugify(code)[:CODE_MAX_LENGTH].strip("-")
    hint = f" such as '{suggestion}'" if CODE_PATTERN.fullmatch(suggestion) else ""
    raise ForceRefused(
        f"'{code}' is not a valid force code: a code is lower-case letters, digits and single "
        f"hyphens, at most {CODE_MAX_LENGTH} characters; use one{hint}.",
        usage=True,
    )


def country_name(text: str) -> str:
    """The stored name of a country given by name or ISO 3166 code, any case: ``us`` and
    ``United States`` give "United States"; the UK's nations keep their own names."""
    given = " ".join(text.split())
    for known in (*UK_COUNTRIES, DEFAULT_COUNTRY):
        if given.casefold() == known.casefold():
            return known
    try:
        country = pycountry.countries.lookup(given)
    except LookupError:
        raise ForceRefused(
            f"'{text}' is not a country Candour knows: give a country's name or ISO 3166 code "
            "(e.g. 'United States' or US), or one of the UK's nations (England, Wales, "
            "Scotland, Northern Ireland).",
            usage=True,
        ) from None
    return str(getattr(country, "common_name", None) or country.name)


def clean_text(value: str, field: str) -> str:
    """A name or region as stored: spaces collapsed, control characters and overlong text
    refused."""
    text = " ".join(value.split())
    problem = control_character(text)
    if problem:
        raise ForceRefused(f"The {field} {problem}", usage=True)
    longest = {"name": NAME_MAX_LENGTH, "region": REGION_MAX_LENGTH}[field]
    if len(text) > longest:
        raise ForceRefused(
            f"The {field} is {len(text)} characters long; at most {longest} fit.", usage=True
        )
    return text


def check_namesake(name: str, country: str, *, code: str = "") -> None:
    """Refuse a second force of one country with the same name: users tell forces apart by
    name on every page."""
    namesake = Force.objects.filter(name__iexact=name, country=country).exclude(code=code).first()
    if namesake is not None:
        raise ForceRefused(
            f"There is already a force called {namesake.name} in {country}, "
            f"{describe(namesake)}; nothing was changed. Use its code, or give the new one a "
            "name of its own.",
            usage=False,
        )


def describe(force: Force) -> str:
    where = ", ".join(part for part in (force.country, force.region) if part)
    return f"'{force.code}': {force.name} ({where})"


@dataclass(frozen=True)
class Added:
    force: Force
    created: bool


def add_force(
    code: str,
    *,
    name: str,
    country: str | None = None,
    region: str | None = None,
    by: User | None,
    channel: str = "cli",
) -> Added:
    """Add a force or agency, audited. Idempotent: adding a force that is already there with
    the same details changes nothing (``created`` false). A force already there with other
    details, or another force of the same country with the same name, is refused: codes and
    names are how users tell forces apart. ``country`` and ``region`` left out mean "as it is"
    for a force already there, and "United Kingdom" and none for a new one."""
    code = check_code(code.strip())
    name = clean_text(name, "name")
    if not name:
        raise ForceRefused("A force needs a name: give it with --name.", usage=True)
    country = country_name(country) if country is not None else None
    region = clean_text(region, "region") if region is not None else None
    with transaction.atomic():
        existing = Force.objects.select_for_update().filter(code=code).first()
        if existing is not None:
            wanted = (
                name,
                country or existing.country,
                region if region is not None else existing.region,
            )
            if wanted == (existing.name, existing.country, existing.region):
                return Added(existing, created=False)
            raise ForceRefused(
                f"There is already a force {describe(existing)}; nothing was changed. Choose "
                "another code for a different force, or correct this one in the admin pages.",
                usage=False,
            )
        country = country or DEFAULT_COUNTRY
        check_namesake(name, country)
        try:
            with transaction.atomic():
                force = Force.objects.create(
                    code=code, name=name, country=country, region=region or ""
                )
        except IntegrityError:  # added by another job since the look-up: as if it were there
            raise ForceRefused(
                f"The force '{code}' was added by another job at the same moment; run the "
                "command again to see whether it has the details you gave.",
                usage=False,
            ) from None
        audit.record(
            by,
            "create",
            force,
            channel=channel,
            detail={
                "name": name,
                "country": country,
                "region": force.region,
                **({"run_by": audit.os_user()} if by is None else {}),
            },
        )
    return Added(force, created=True)
