"""A synthetic, UK-style workforce and national extract with known answers, for tests and benchmarks.

Deterministic for a given seed. Some workforce members have one or more national records, each
written with the errors real records carry: a known-as name (Bill for William), a middle name used
as the first name, an initial, a typo, a maiden or married surname, a day and month swapped, a wrong
digit, a move of house (same sector, same district or elsewhere), and missing fields. The national
file also holds the people who must *not* be matched: a twin (same surname, date of birth and
address, different first name) and a father or son (same name and address, born 25 to 35 years
apart) of some workforce members, and many unrelated people.

Files written to the output folder: ``workforce.csv`` and ``national.csv`` (interchange §3, docs/formats.md),
``truth.csv`` (``person_ref, record_id, errors``: every true pair) and ``hard_non_matches.csv``
(``person_ref, record_id, kind``). Command line::

    python -m candour.vetting.datawash.generator --workforce 50000 --national 2000000 \
        --seed 1 --out benchmarks/datawash/data/uk-50k-2m
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .nicknames import nickname_pairs

MALE_FORENAMES = """
James John David Michael Robert William Peter Paul Richard Thomas Christopher Andrew Mark Stephen
Daniel Matthew Anthony Ian Simon Jonathan Gary Kevin Martin Alan Brian Kenneth George Edward Philip
Joseph Charles Benjamin Samuel Jack Oliver Harry Alexander Nicholas Adam Lee Craig Stuart Graham
Colin Keith Raymond Ronald Dennis Frederick Arthur Henry Francis Patrick Timothy Jeremy Gregory
Lewis Ryan Liam Connor Callum Jamie Nathan Luke Joshua Dylan Aaron Owen Kieran Ethan Jacob Harrison
Mohammed Muhammad Ali Imran Tariq Rajesh Sanjay Piotr Tomasz Declan Sean Aidan Fergus Hamish Euan
Gareth Rhys Dafydd Geraint Neil Derek Trevor Barry Terence Leonard Douglas Gordon Malcolm Roger
Howard Nigel Vincent Victor Wayne Shaun Dean Darren Scott Jason Carl Russell Warren Glenn Clive
""".split()

FEMALE_FORENAMES = """
Margaret Elizabeth Sarah Susan Patricia Mary Catherine Helen Jennifer Karen Claire Emma Rebecca
Rachel Nicola Michelle Louise Joanne Lisa Amanda Deborah Julie Alison Jacqueline Victoria Samantha
Charlotte Hannah Laura Sophie Emily Jessica Amy Lucy Katie Olivia Chloe Megan Grace Isabella Amelia
Ellie Abigail Jade Natalie Kelly Kerry Gemma Donna Tracey Dawn Wendy Sandra Linda Barbara Dorothy
Joan Jean Pauline Christine Janet Gillian Valerie Brenda Sheila Eileen Irene Maureen Kathleen Ann
Anne Alice Florence Edith Harriet Isobel Eleanor Georgina Frances Penelope Rosemary Theresa
Bridget Siobhan Aisling Fiona Morag Kirsty Shona Sian Bethan Rhiannon Cerys Nia Priya Aisha Fatima
Ayesha Nadia Agnieszka Katarzyna Magdalena Zoe Jasmine Poppy Freya Holly Ruby Yvonne Lorraine
""".split()

COMMON_SURNAMES = """
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts Robinson Thompson
Wright Walker White Edwards Hughes Green Hall Lewis Harris Clarke Patel Jackson Wood Turner Martin
Cooper Hill Ward Morris Moore Clark Lee King Baker Harrison Morgan Allen James Scott Phillips
Watson Davis Parker Price Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey
Collins Bell Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh Begum
Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain Campbell Matthews Owen
Palmer Holmes Mills Barnes Knight Lloyd Butler Russell Barker Fisher Stevens Jenkins Murray Dixon
Harvey Graham Pearson Ahmed Fletcher Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds
Saunders Payne Fox Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson
Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees Hayes Hart Hudson
Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh Riley Dunn Woods Parsons Berry Stone
Reid Holland Hawkins Harding Porter Robertson Newton Oliver Reed Kennedy Williamson Bird Gardner
Shah Dean Lane Cooke Bates Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross
Cross Long Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis
Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin Sharp Hardy Wheeler
Potter Osborne Johnston Gordon Doyle Wallace George Jordan Hutchinson Rowe Burke May Pritchard
Gilbert Willis Higgins Read Miles Stevenson Stephenson Hammond Arnold Buckley Walters Hewitt
Barber Nowak Kowalski Wisniewski MacLeod MacKenzie Fraser Sinclair Morrison Paterson Duncan
Rahman Akhtar Iqbal Mahmood Choudhury Chowdhury Islam Mistry Sharma Kumar Chauhan Okafor Adeyemi
Mensah Nwosu Smith-Jones Taylor-Brown Lloyd-Davies Owen-Hughes
""".split()

SURNAME_HEADS = """
Ash Brad Whit Hol Long Black Green Fair Wood Stan Mar Cran Ald Brom Clay Dun Elm Far Gold Hart Kings
Lang Mid Nor Old Pem Ring Shel Thorn Wal West Win Ast Bur Car Dal Ever Grant Hay Hed Ick Kel Lid
Mel New Over Pud Rad Sax Tad Up Ward Wey Yard Bramp Chil Dray Felt Gos Hals Knot Mort Oak Pres
""".split()
SURNAME_TAILS = """
ton ley worth field wood ham by well bridge more stone croft hurst combe shaw den thorpe wick ford
land cott dale
""".split()

POSTCODE_AREAS = {
    "B": "Birmingham",
    "M": "Manchester",
    "L": "Liverpool",
    "LS": "Leeds",
    "S": "Sheffield",
    "BS": "Bristol",
    "NE": "Newcastle upon Tyne",
    "NG": "Nottingham",
    "LE": "Leicester",
    "CV": "Coventry",
    "CF": "Cardiff",
    "SA": "Swansea",
    "G": "Glasgow",
    "EH": "Edinburgh",
    "AB": "Aberdeen",
    "DD": "Dundee",
    "E": "London",
    "N": "London",
    "SE": "London",
    "SW": "London",
    "NW": "London",
    "CR": "Croydon",
    "BR": "Bromley",
    "OX": "Oxford",
    "CB": "Cambridge",
    "NR": "Norwich",
    "IP": "Ipswich",
    "CO": "Colchester",
    "ME": "Rochester",
    "CT": "Canterbury",
    "BN": "Brighton",
    "PO": "Portsmouth",
    "SO": "Southampton",
    "EX": "Exeter",
    "PL": "Plymouth",
    "GL": "Gloucester",
    "ST": "Stoke-on-Trent",
    "DE": "Derby",
    "YO": "York",
    "HU": "Hull",
    "BD": "Bradford",
    "PR": "Preston",
    "BL": "Bolton",
    "WA": "Warrington",
    "CH": "Chester",
    "NP": "Newport",
    "SN": "Swindon",
    "WV": "Wolverhampton",
    "PE": "Peterborough",
    "MK": "Milton Keynes",
    "RG": "Reading",
    "GU": "Guildford",
    "DN": "Doncaster",
    "SR": "Sunderland",
    "TS": "Middlesbrough",
    "CA": "Carlisle",
    "PA": "Paisley",
    "KY": "Kirkcaldy",
    "IV": "Inverness",
}

STREETS = """
Acacia Albert Alexandra Beech Birch Bridge Castle Cedar Chapel Church Clarence Elm Field Grange
Green Grove Highfield Hill Holly Kings Laburnum Lime Manor Maple Market Meadow Mill Newport Oak
Orchard Park Princes Queens Railway Riverside School Springfield Station Stanley Sycamore Victoria
Water Well Willow Windsor York Moorland Heather Ashgrove Brookside Cherry Derwent Fern Hawthorn
""".split()
STREET_KINDS = (
    "Road Street Avenue Close Lane Drive Way Gardens Crescent Grove Terrace Place".split()
)
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
LETTERS = "abcdefghijklmnopqrstuvwxyz"

TODAY = dt.date(2025, 1, 1)


def _zipf_weights(n: int, offset: float = 4.0) -> np.ndarray:
    weights = 1.0 / (np.arange(n) + offset)
    return weights / weights.sum()


@dataclass
class Names:
    """The name pools and their frequencies."""

    male: list[str]
    female: list[str]
    surnames: list[str]
    male_p: np.ndarray = field(init=False)
    female_p: np.ndarray = field(init=False)
    surname_p: np.ndarray = field(init=False)
    known_as: dict[str, list[str]] = field(init=False)
    families: dict[str, set[str]] = field(init=False)

    def __post_init__(self) -> None:
        self.male_p = _zipf_weights(len(self.male))
        self.female_p = _zipf_weights(len(self.female))
        common = len(COMMON_SURNAMES)
        weights = np.concatenate(
            [_zipf_weights(common, 3.0) * 0.75, np.full(len(self.surnames) - common, 0.25)]
        )
        weights[common:] /= len(self.surnames) - common
        self.surname_p = weights / weights.sum()
        self.known_as = {}
        related: dict[str, set[str]] = {}
        for formal, nick in nickname_pairs():
            self.known_as.setdefault(formal, []).append(nick)
            related.setdefault(formal, {formal}).add(nick)
            related.setdefault(nick, {nick}).add(formal)
        self.families = related


def default_names() -> Names:
    tail = [head + tail for head in SURNAME_HEADS for tail in SURNAME_TAILS]
    surnames = list(dict.fromkeys(COMMON_SURNAMES + tail))
    return Names(MALE_FORENAMES, FEMALE_FORENAMES, surnames)


class Generator:
    """Makes the people, their records and the errors in them from one seeded random stream."""

    def __init__(self, seed: int, names: Names | None = None, mode: str = "standard") -> None:
        self.rng = np.random.default_rng(seed)
        self.mode = MODES[mode]
        self.names = names or default_names()
        self.areas = list(POSTCODE_AREAS)

    # People -----------------------------------------------------------------------------------
    def people(self, n: int, min_age: int, max_age: int) -> pd.DataFrame:
        """``n`` people, each with a household, drawn independently (vectorised)."""
        rng, names = self.rng, self.names
        sex = rng.choice(np.array(["M", "F"]), size=n)
        male = sex == "M"
        first = np.where(
            male,
            rng.choice(names.male, size=n, p=names.male_p),
            rng.choice(names.female, size=n, p=names.female_p),
        )
        middle = np.where(
            male,
            rng.choice(names.male, size=n, p=names.male_p),
            rng.choice(names.female, size=n, p=names.female_p),
        )
        has_middle = (rng.random(n) < 0.45) & (middle != first)
        surname = rng.choice(names.surnames, size=n, p=names.surname_p)
        ages_days = rng.integers(min_age * 365, max_age * 365, size=n)
        dob = pd.to_datetime(TODAY) - pd.to_timedelta(ages_days, unit="D")
        frame = pd.DataFrame(
            {
                "sex": sex,
                "first": first,
                "middle": np.where(has_middle, middle, ""),
                "surname": surname,
                "previous": "",
                "dob": dob.date,
            }
        )
        married = (~male) & (rng.random(n) < self.mode.married_share)
        maiden = rng.choice(names.surnames, size=n, p=names.surname_p)
        frame.loc[married & (maiden != surname), "previous"] = maiden[married & (maiden != surname)]
        return pd.concat([frame, self.households(n)], axis=1)

    def households(self, n: int) -> pd.DataFrame:
        rng = self.rng
        area = rng.choice(self.areas, size=n)
        district = rng.integers(1, 25, size=n).astype(str)
        sector = rng.integers(0, 10, size=n).astype(str)
        unit = rng.choice(list(UNIT_LETTERS), size=(n, 2))
        postcode = (
            pd.Series(area)
            + pd.Series(district)
            + " "
            + pd.Series(sector)
            + pd.Series(unit[:, 0])
            + pd.Series(unit[:, 1])
        )
        number = pd.Series(rng.integers(1, 200, size=n).astype(str))
        street = (
            pd.Series(rng.choice(STREETS, size=n))
            + " "
            + pd.Series(rng.choice(STREET_KINDS, size=n))
        )
        town = pd.Series(area).map(POSTCODE_AREAS)
        return pd.DataFrame({"postcode": postcode, "address": number + " " + street + ", " + town})

    def move(self, postcode: str, how: str) -> tuple[str, str]:
        """A new address: in the same postcode sector, the same district, or anywhere."""
        fresh = self.households(1).iloc[0]
        outward, _, inward = postcode.partition(" ")
        if not inward:
            how = "elsewhere"
        if how == "sector":
            new_postcode = f"{outward} {inward[0]}{fresh.postcode[-2:]}"
        elif how == "district":
            new_postcode = f"{outward} {fresh.postcode.split(' ')[1]}"
        else:
            new_postcode = fresh.postcode
        town = POSTCODE_AREAS[new_postcode.split(" ")[0].rstrip("0123456789")]
        street = fresh.address.split(",")[0]
        return new_postcode, f"{street}, {town}"

    # Errors -----------------------------------------------------------------------------------
    def typo(self, word: str) -> str:
        if len(word) < 3:
            return word
        rng = self.rng
        i = int(rng.integers(1, len(word)))
        kind = rng.choice(["substitute", "delete", "insert", "transpose"])
        letter = str(rng.choice(list(LETTERS)))
        if kind == "substitute":
            out = word[:i] + letter + word[i + 1 :]
        elif kind == "delete":
            out = word[:i] + word[i + 1 :]
        elif kind == "insert":
            out = word[:i] + letter + word[i:]
        else:
            i = min(i, len(word) - 2)
            out = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
        return out if out.lower() != word.lower() else word + letter

    def dob_typo(self, dob: dt.date) -> dt.date:
        text = dob.isoformat()
        for _ in range(50):
            # Mostly the last digit of the year, the month or the day; now and then the decade,
            # which no model can tell from a father and son and so is lost by design.
            pos = int(self.rng.choice(self.mode.dob_typo_positions))
            digit = str(self.rng.integers(0, 10))
            candidate = text[:pos] + digit + text[pos + 1 :]
            try:
                new = dt.date.fromisoformat(candidate)
            except ValueError:
                continue
            if new != dob and new < TODAY:
                return new
        return dob

    def twin_name(self, person: dict) -> str:
        """A first name for a twin: same sex, not a form of the same name, other first letter."""
        pool = self.names.male if person["sex"] == "M" else self.names.female
        related = self.names.families.get(person["first"].lower(), {person["first"].lower()})
        for _ in range(100):
            name = str(self.rng.choice(pool))
            if (
                name[0] != person["first"][0]
                and name.lower() not in related
                and name != person["middle"]
            ):
                return name
        return "Zebedee"


ERROR_KINDS = (
    "nickname",
    "middle_name_used",
    "initial_only",
    "forename_typo",
    "surname_typo",
    "maiden_surname",
    "married_surname_only",
    "dob_swapped",
    "dob_typo",
    "dob_missing",
    "moved_same_sector",
    "moved_same_district",
    "moved_elsewhere",
    "postcode_missing",
    "address_missing",
    "sex_missing",
    "forename_missing",
    "sex_wrong",
)
ERROR_WEIGHTS = np.array([10, 4, 2, 8, 8, 0, 0, 6, 6, 3, 6, 6, 10, 3, 3, 4, 1, 1], dtype=float)

ERROR_FIELDS = {
    kind: (
        "forename"
        if kind
        in ("nickname", "middle_name_used", "initial_only", "forename_typo", "forename_missing")
        else "surname"
        if kind == "surname_typo"
        else "dob"
        if kind.startswith("dob")
        else "address"
        if kind.startswith("moved") or kind in ("postcode_missing", "address_missing")
        else kind
    )
    for kind in ERROR_KINDS
}


@dataclass(frozen=True)
class Mode:
    """How a generated file's errors and look-alikes are drawn. ``standard`` is the first mode;
    ``lookalike`` is a second, made to check the model on data unlike what it was tuned on: other
    error rates, more records per person, and three kinds of unrelated look-alike the first mode
    never writes (see ``generate``)."""

    name: str
    error_counts: tuple[float, float, float, float]  # share of records with 0, 1, 2, 3 errors
    error_weights: tuple[float, ...]  # one per ERROR_KINDS
    # Which digit of YYYY-MM-DD a date-of-birth typo hits (2 is the decade), drawn uniformly.
    dob_typo_positions: tuple[int, ...]
    copies: tuple[int, ...]  # records per linked person, drawn uniformly
    married_share: float
    # Per workforce member, the chance of an unrelated national record who has the same first
    # name, surname and birth year with the date one digit off, at another address (namesake);
    # the same name, address and day and month, born a decade or two apart (a father or son
    # sharing a birthday); or the same date of birth and a name one typing error away
    # (look-alike name), at another address.
    namesake_share: float = 0.0
    same_birthday_relative_share: float = 0.0
    lookalike_name_share: float = 0.0


MODES = {
    "standard": Mode(
        name="standard",
        error_counts=(0.4, 0.35, 0.2, 0.05),
        error_weights=tuple(float(w) for w in ERROR_WEIGHTS),
        dob_typo_positions=(2,) + (3,) * 6 + (5, 6, 6) + (8, 9, 9, 9) * 2,
        copies=(1, 1, 1, 2, 2, 3),
        married_share=0.3,
    ),
    "lookalike": Mode(
        name="lookalike",
        error_counts=(0.3, 0.4, 0.22, 0.08),
        error_weights=(8, 3, 3, 10, 10, 0, 0, 8, 10, 2, 4, 4, 12, 4, 2, 3, 1, 1),
        dob_typo_positions=(2,) + (3,) * 4 + (5, 6) * 2 + (8, 9) * 3,
        copies=(1, 1, 2, 2, 3, 4),
        married_share=0.35,
        namesake_share=0.03,
        same_birthday_relative_share=0.01,
        lookalike_name_share=0.02,
    ),
}


@dataclass
class GeneratedFiles:
    workforce: Path
    national: Path
    truth: Path
    hard_non_matches: Path


def _record(person: dict) -> dict[str, str]:
    return {
        "forenames": " ".join(p for p in (person["first"], person["middle"]) if p),
        "surname": person["surname"],
        "previous_surnames": person["previous"],
        "date_of_birth": person["dob"].isoformat() if person["dob"] else "",
        "sex": person["sex"],
        "postcode": person["postcode"],
        "address": person["address"],
    }


def _national_version(gen: Generator, person: dict) -> tuple[dict[str, str], list[str]]:
    """One national record of ``person`` with between zero and three errors (40% none, 35% one, 20% two,
    5% three)."""
    rng = gen.rng
    p = person.copy()
    errors: list[str] = []
    # A married woman's older records carry her maiden name; newer ones may not list it.
    if p["previous"] and rng.random() < 0.5:
        p["surname"], p["previous"] = p["previous"], ""
        errors.append("maiden_surname")
    elif p["previous"] and rng.random() < 0.5:
        p["previous"] = ""
        errors.append("married_surname_only")
    weights = np.array(gen.mode.error_weights, dtype=float)
    count = int(rng.choice([0, 1, 2, 3], p=list(gen.mode.error_counts)))
    order = rng.choice(
        len(ERROR_KINDS),
        size=int((weights > 0).sum()),
        replace=False,
        p=weights / weights.sum(),
    )
    kinds: list[int] = []
    fields_hit: set[str] = set()
    for k in order:  # at most one error per field: a nickname is not also mistyped
        field_hit = (
            ERROR_FIELDS[ERROR_KINDS[k]].replace("sex_missing", "sex").replace("sex_wrong", "sex")
        )
        if field_hit not in fields_hit and weights[k] > 0 and len(kinds) < count:
            kinds.append(k)
            fields_hit.add(field_hit)
    record_fields = dict(first=p["first"], middle=p["middle"], surname=p["surname"])
    dob: dt.date | None = p["dob"]
    postcode, address, sex = p["postcode"], p["address"], p["sex"]
    for kind in (ERROR_KINDS[k] for k in kinds):
        if kind == "nickname":
            options = gen.names.known_as.get(p["first"].lower())
            if not options:
                continue
            record_fields["first"] = str(rng.choice(options)).title()
        elif kind == "middle_name_used":
            if not p["middle"]:
                continue
            record_fields["first"], record_fields["middle"] = p["middle"], ""
        elif kind == "initial_only":
            record_fields["first"], record_fields["middle"] = p["first"][0], ""
        elif kind == "forename_typo":
            record_fields["first"] = gen.typo(record_fields["first"])
        elif kind == "surname_typo":
            record_fields["surname"] = gen.typo(record_fields["surname"])
        elif kind == "dob_swapped":
            if dob is None or dob.day > 12 or dob.day == dob.month:
                continue
            dob = dt.date(dob.year, dob.day, dob.month)
        elif kind == "dob_typo":
            if dob is None:
                continue
            dob = gen.dob_typo(dob)
        elif kind == "dob_missing":
            dob = None
        elif kind.startswith("moved_"):
            postcode, address = gen.move(
                postcode, kind.removeprefix("moved_same_").removeprefix("moved_")
            )
        elif kind == "postcode_missing":
            postcode = ""
        elif kind == "address_missing":
            address = ""
        elif kind == "sex_missing":
            sex = ""
        elif kind == "sex_wrong":
            sex = "F" if sex == "M" else "M"
        elif kind == "forename_missing":
            record_fields["first"], record_fields["middle"] = "", ""
        errors.append(kind)
    record = {
        "forenames": " ".join(x for x in (record_fields["first"], record_fields["middle"]) if x),
        "surname": record_fields["surname"],
        "previous_surnames": p["previous"],
        "date_of_birth": _write_date(gen, dob),
        "sex": sex,
        "postcode": postcode,
        "address": address,
    }
    return record, errors


def _lookalike(gen: Generator, person: dict, kind: str) -> dict | None:
    """An unrelated person who looks like ``person`` (``generate``'s look-alike kinds), or None
    when this person cannot have one (no valid date one digit off, say)."""
    rng = gen.rng
    other = dict(person)
    other["previous"] = ""
    pool = gen.names.male if person["sex"] == "M" else gen.names.female
    if kind == "namesake":
        # Same first name, surname and birth year; day or month one digit off; own middle name
        # and home.
        dob = person["dob"]
        for _ in range(50):
            text = dob.isoformat()
            pos = int(rng.choice([5, 6, 8, 9]))
            candidate = text[:pos] + str(rng.integers(0, 10)) + text[pos + 1 :]
            try:
                new = dt.date.fromisoformat(candidate)
            except ValueError:
                continue
            if new != dob and new < TODAY:
                break
        else:
            return None
        other["dob"] = new
        other["middle"] = str(rng.choice(pool)) if rng.random() < 0.45 else ""
        other.update(gen.households(1).iloc[0].to_dict())
        other["kind"] = "namesake"
    elif kind == "same_birthday":
        # Same name and address, the year's decade digit one or two off (1974 and 1994).
        dob = person["dob"]
        step = int(rng.choice([-20, -10, 10, 20] if dob.year < 1995 else [-20, -10]))
        try:
            new = dob.replace(year=dob.year + step)
        except ValueError:
            return None
        if new >= TODAY - dt.timedelta(days=365) or len(str(new.year)) != 4:
            return None
        other["dob"] = new
        other["kind"] = "same_birthday_" + ("son" if step > 0 else "father")
    else:
        # Same date of birth, a first name one typing error away (or the same first name and a
        # surname one typing error away), at another address.
        if rng.random() < 0.5:
            other["first"] = gen.typo(person["first"])
        else:
            other["surname"] = gen.typo(person["surname"])
        other["middle"] = str(rng.choice(pool)) if rng.random() < 0.45 else ""
        other.update(gen.households(1).iloc[0].to_dict())
        other["kind"] = "lookalike_name"
    return other


def _write_date(gen: Generator, dob: dt.date | None) -> str:
    if dob is None:
        return ""
    # Some systems write British-style dates; the data wash reads both.
    return dob.strftime("%d/%m/%Y") if gen.rng.random() < 0.05 else dob.isoformat()


def generate(
    out_dir: str | Path,
    workforce_size: int = 1_000,
    national_size: int = 20_000,
    seed: int = 1,
    linked_share: float = 0.3,
    twin_share: float = 0.02,
    father_son_share: float = 0.02,
    mode: str = "standard",
) -> GeneratedFiles:
    """Write the four files to ``out_dir`` and return their paths.

    ``mode`` is ``standard`` or ``lookalike`` (``MODES``): the second writes, besides twins and
    fathers and sons, namesakes, fathers and sons who share a birthday, and look-alike names
    (``hard_non_matches.csv`` kinds ``namesake``, ``same_birthday_father``/``_son``,
    ``lookalike_name``), with other error rates."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    gen = Generator(seed, mode=mode)
    rng = gen.rng
    settings = gen.mode

    workforce = gen.people(workforce_size, 18, 66)
    workforce.insert(0, "person_ref", [f"W{i:07d}" for i in range(workforce_size)])
    national_rows: list[dict[str, str]] = []
    truth: list[tuple[str, str, str]] = []
    hard: list[tuple[str, str, str]] = []

    def add_national(record: dict[str, str]) -> str:
        record_id = f"N{len(national_rows):08d}"
        national_rows.append({"record_id": record_id, **record})
        return record_id

    linked = rng.random(workforce_size) < linked_share
    copies = rng.choice(list(settings.copies), size=workforce_size)
    twins = rng.random(workforce_size) < twin_share
    relatives = rng.random(workforce_size) < father_son_share
    # (Drawn only in a mode that has them, so the standard mode's files stay as they were.)
    namesakes, same_birthday, lookalike_names = (
        rng.random(workforce_size) < share if share > 0 else np.zeros(workforce_size, dtype=bool)
        for share in (
            settings.namesake_share,
            settings.same_birthday_relative_share,
            settings.lookalike_name_share,
        )
    )
    for i, person in enumerate(workforce.to_dict("records")):
        series = dict(person)
        if linked[i]:
            for _ in range(int(copies[i])):
                record, errors = _national_version(gen, series)
                truth.append((person["person_ref"], add_national(record), ";".join(errors)))
        if twins[i]:
            twin = series.copy()
            twin["first"], twin["middle"], twin["previous"] = gen.twin_name(series), "", ""
            hard.append((person["person_ref"], add_national(_record(twin)), "twin"))
        if relatives[i] and person["sex"] == "M":
            relative = series.copy()
            gap = int(rng.integers(25, 36)) * 365 + int(rng.integers(0, 365))
            older = person["dob"] - dt.timedelta(days=gap)
            younger = person["dob"] + dt.timedelta(days=gap)
            relative["dob"] = younger if younger < TODAY - dt.timedelta(days=365) else older
            relative["previous"] = ""
            kind = "son" if relative["dob"] > person["dob"] else "father"
            hard.append((person["person_ref"], add_national(_record(relative)), kind))
        for kind, drawn in (
            ("namesake", namesakes[i]),
            ("same_birthday", same_birthday[i] and person["sex"] == "M"),
            ("lookalike_name", lookalike_names[i]),
        ):
            if drawn:
                other = _lookalike(gen, series, kind)
                if other is not None:
                    hard.append((person["person_ref"], add_national(_record(other)), other["kind"]))

    background = gen.people(max(0, national_size - len(national_rows)), 0, 95)
    start = len(national_rows)
    frame_linked = pd.DataFrame(national_rows)
    background_records = pd.DataFrame(
        {
            "record_id": [f"N{start + i:08d}" for i in range(len(background))],
            "forenames": (background["first"] + " " + background["middle"]).str.strip(),
            "surname": background["surname"],
            "previous_surnames": background["previous"],
            "date_of_birth": [d.isoformat() for d in background["dob"]],
            "sex": background["sex"],
            "postcode": background["postcode"],
            "address": background["address"],
        }
    )
    national = pd.concat([frame_linked, background_records], ignore_index=True)
    # Shuffle so that file order says nothing about who is linked.
    national = national.iloc[rng.permutation(len(national))].reset_index(drop=True)

    workforce_out = pd.DataFrame(
        [{"person_ref": p["person_ref"], **_record(p)} for p in workforce.to_dict("records")]
    )
    _thin_workforce(gen, workforce_out)

    files = GeneratedFiles(
        out / "workforce.csv", out / "national.csv", out / "truth.csv", out / "hard_non_matches.csv"
    )
    workforce_out.to_csv(files.workforce, index=False)
    national.to_csv(files.national, index=False)
    _write_rows(files.truth, ("person_ref", "record_id", "errors"), truth)
    _write_rows(files.hard_non_matches, ("person_ref", "record_id", "kind"), hard)
    return files


def _thin_workforce(gen: Generator, workforce: pd.DataFrame) -> None:
    """A few workforce records lack a postcode, address or sex, as HR records do."""
    for column, share in (("postcode", 0.02), ("address", 0.02), ("sex", 0.01)):
        missing = gen.rng.random(len(workforce)) < share
        workforce.loc[missing, column] = ""


def _write_rows(path: Path, header: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workforce", type=int, default=1_000, help="workforce records")
    parser.add_argument("--national", type=int, default=20_000, help="national records")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True, help="folder to write the files to")
    parser.add_argument(
        "--mode", choices=sorted(MODES), default="standard", help="error rates and look-alikes"
    )
    args = parser.parse_args(argv)
    files = generate(args.out, args.workforce, args.national, args.seed, mode=args.mode)
    print(f"Wrote {files.workforce}, {files.national}, {files.truth}, {files.hard_non_matches}")


if __name__ == "__main__":
    main()
