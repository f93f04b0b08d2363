"""The data wash's linkage model: what is compared, how candidate pairs are found, how it is trained.

Every comparison is a list of levels, best agreement first. Each level carries the plain words the
``reasons`` column uses for it, so the model and its explanation cannot drift apart. A level marked
``rules_out_match`` has its m probability fixed near zero instead of learned: a wholly different
first name (twins) or dates of birth ten years or more apart (father and son at one address) is
treated as all but conclusive evidence of two different people, whatever else agrees.

The columns named here are made by ``inputs.prepare`` (see ``docs/datawash.md`` for each one).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from typing import Any

import splink.comparison_level_library as cll
import splink.comparison_library as cl
from splink import SettingsCreator, block_on
from splink.internals.blocking_rule_creator import BlockingRuleCreator
from splink.internals.comparison_level_creator import ComparisonLevelCreator

from candour.vetting import records

# m probability of a level that rules a match out: a Bayes factor of about 2**-40, which outweighs
# full agreement on every other field (about +35 bits) so the pair scores well under any threshold.
RULES_OUT_M_PROBABILITY = 1e-12

# Years apart from which two dates of birth are not one person's, unless the decade alone was
# mistyped away from home (``DATE_OF_BIRTH``).
DOB_YEARS_APART = 10


@dataclass(frozen=True)
class Level:
    """One comparison level and the words that explain it, e.g. ``nickname ({l}/{r})``."""

    creator: ComparisonLevelCreator
    reason: str
    rules_out_match: bool = False
    # Takes the u probability of the level before it instead of its own estimate: for a level
    # that is the one before it split by another field (the NI number), whose own estimate would
    # count that field's agreement a second time.
    u_from_previous: bool = False


@dataclass(frozen=True)
class Field:
    """One compared field: its name in ``reasons``, the columns it reads, and its levels."""

    name: str
    display_columns: tuple[str, str]  # columns whose _l/_r values fill {l} and {r} in reasons
    levels: tuple[Level, ...]
    null_level: ComparisonLevelCreator = field(default=None)  # type: ignore[assignment]

    def comparison(self, rule_outs: bool = True) -> cl.CustomComparison:
        levels: list[ComparisonLevelCreator | dict[str, Any]] = [self.null_level]
        for level in self.levels:
            # ``configure`` changes the creator it is called on: work on a copy, so one run's
            # rule-outs do not stay fixed in the next run of the same process.
            creator = copy.deepcopy(level.creator).configure(label_for_charts=level.reason)
            if level.rules_out_match and rule_outs:
                creator = creator.configure(
                    m_probability=RULES_OUT_M_PROBABILITY, fix_m_probability=True
                )
            levels.append(creator)
        return cl.CustomComparison(comparison_levels=levels, output_column_name=self.name)

    def reason_for(self, gamma: int) -> Level | None:
        """The level a Splink comparison vector value stands for (``-1`` is the null level)."""
        if gamma < 0:
            return None
        return self.levels[len(self.levels) - 1 - gamma]


def _no_shared_identifier() -> ComparisonLevelCreator:
    """True unless both records carry the same personal identifier (NI number), give or take one
    typing error. Twins, and fathers and sons, never share one (their numbers are issued apart,
    so are not one keystroke apart either); the rule-out levels apply only when this holds."""
    return cll.Or(
        cll.CustomLevel("ni_number_l is null or ni_number_r is null"),
        cll.Not(cll.DamerauLevenshteinLevel("ni_number", 1)),
    )


def _either_null(*columns: str) -> ComparisonLevelCreator:
    condition = " or ".join(f"{c}_l is null or {c}_r is null" for c in columns)
    return cll.CustomLevel(condition).configure(is_null_level=True)


def _both_sides_null(*columns: str) -> ComparisonLevelCreator:
    left = " and ".join(f"{c}_l is null" for c in columns)
    right = " and ".join(f"{c}_r is null" for c in columns)
    return cll.CustomLevel(f"({left}) or ({right})").configure(is_null_level=True)


FORENAMES = Field(
    name="forenames",
    display_columns=("first_forename", "first_forename"),
    null_level=_either_null("first_forename"),
    levels=(
        Level(cll.ExactMatchLevel("first_forename", term_frequency_adjustments=True), "same"),
        # Names sharing a formal name are always in one family; testing that first is cheap.
        Level(
            cll.And(
                cll.CustomLevel("forename_family_l = forename_family_r"),
                cll.ArrayIntersectLevel("forename_formal", 1),
            ),
            "nickname ({l}/{r})",
        ),
        Level(
            cll.CustomLevel(
                "array_contains(forenames_all_r, first_forename_l)"
                " or array_contains(forenames_all_l, first_forename_r)"
            ),
            "middle name used as first name ({l}/{r})",
        ),
        # FEBRL-style and real: the forename written in the surname box (or both swapped). Not
        # when the surnames agree: a twin may be Thomas Thomas beside Richard Thomas.
        Level(
            cll.CustomLevel(
                "(first_forename_l = surname_r or first_forename_r = surname_l)"
                " and surname_l <> surname_r"
            ),
            "swapped with surname ({l}/{r})",
        ),
        Level(cll.JaroWinklerLevel("first_forename", 0.92), "close spelling ({l}/{r})"),
        Level(cll.JaroWinklerLevel("first_forename", 0.85), "similar spelling ({l}/{r})"),
        # Looser tests than these match twins (Aaron/Jason, Carl/Mark), whose other fields agree
        # so well that EM would learn to trust the level.
        Level(
            cll.And(
                cll.CustomLevel(
                    "length(first_forename_l) >= 5 and length(first_forename_r) >= 5"
                    " and substr(first_forename_l, 1, 1) = substr(first_forename_r, 1, 1)"
                ),
                cll.DamerauLevenshteinLevel("first_forename", 2),
            ),
            "within two typing errors ({l}/{r})",
        ),
        # Short names (Zoe/Zeo, Ali/Aai) fall below every test above; one typing error with the
        # first letter kept is allowed at any length from three letters.
        Level(
            cll.And(
                cll.CustomLevel(
                    "length(first_forename_l) >= 3 and length(first_forename_r) >= 3"
                    " and substr(first_forename_l, 1, 1) = substr(first_forename_r, 1, 1)"
                ),
                cll.DamerauLevenshteinLevel("first_forename", 1),
            ),
            "one typing error ({l}/{r})",
        ),
        # Jaro-Winkler rewards a shared start, so a mistyped first letter needs its own test.
        Level(
            cll.CustomLevel("forename_tail_l = forename_tail_r and length(first_forename_l) >= 4"),
            "first letter differs ({l}/{r})",
        ),
        Level(
            cll.CustomLevel(
                "(length(first_forename_l) = 1 or length(first_forename_r) = 1)"
                " and substr(first_forename_l, 1, 1) = substr(first_forename_r, 1, 1)"
            ),
            "initial agrees ({l}/{r})",
        ),
        Level(_no_shared_identifier(), "different ({l}/{r})", rules_out_match=True),
        # Wholly different first names on records with the same NI number: one person renamed
        # (or a replaced name in the record), not twins. How often unrelated people differ this
        # much does not depend on their NI numbers, hence the level before's u probability (its
        # own, from random pairs sharing an NI number, would be near zero: a huge reward).
        Level(cll.ElseLevel(), "different ({l}/{r})", u_from_previous=True),
    ),
)

SURNAME = Field(
    name="surname",
    display_columns=("surname", "surname"),
    null_level=_either_null("surname"),
    levels=(
        Level(cll.ExactMatchLevel("surname", term_frequency_adjustments=True), "same"),
        Level(
            cll.CustomLevel(
                "array_contains(surnames_all_r, surname_l) or array_contains(surnames_all_l, surname_r)"
            ),
            "{surname_link}",
        ),
        # Only when the other cross-pair agrees too (to its first letter, a typo allowed): one
        # shared name (Taliah Ryan / Ryan Mikayla) is already counted by the forename's "swapped"
        # level and must not count twice.
        Level(
            cll.CustomLevel(
                "((surname_l = first_forename_r"
                " and substr(surname_r, 1, 1) = substr(first_forename_l, 1, 1))"
                " or (surname_r = first_forename_l"
                " and substr(surname_l, 1, 1) = substr(first_forename_r, 1, 1)))"
                " and first_forename_l <> first_forename_r"
            ),
            "swapped with forename ({l}/{r})",
        ),
        Level(cll.JaroWinklerLevel("surname", 0.92), "close spelling ({l}/{r})"),
        Level(cll.JaroWinklerLevel("surname", 0.8), "similar spelling ({l}/{r})"),
        Level(cll.ElseLevel(), "different ({l}/{r})"),
    ),
)

_TWO_OF_THREE = (
    "(case when dob_year_l = dob_year_r then 1 else 0 end"
    " + case when dob_month_l = dob_month_r then 1 else 0 end"
    " + case when dob_day_l = dob_day_r then 1 else 0 end)"
)

# A date of birth that was not a date keeps its year and month, or its year (``inputs``): such a
# record is compared on what it still says, and is missing only when nothing of it could be read.
_PART_READ = "(dob_l is null or dob_r is null)"

# One person's one home: the same address, or the same postcode. A father and son share one.
_SAME_HOUSEHOLD = "coalesce(address_l = address_r or postcode_l = postcode_r, false)"
_ONE_EDIT = cll.DamerauLevenshteinLevel("dob", 1)


def _dob_one_digit(condition: str) -> ComparisonLevelCreator:
    """One digit of the ISO date mistyped (or two swapped), where ``condition`` says which part."""
    return cll.And(cll.CustomLevel(condition), _ONE_EDIT)


DATE_OF_BIRTH = Field(
    name="dob",
    display_columns=("dob_as_read", "dob_as_read"),
    null_level=_either_null("dob_year"),
    levels=(
        Level(cll.ExactMatchLevel("dob"), "same"),
        Level(cll.CustomLevel("dob_swapped_l = dob_r"), "day and month swapped ({l}/{r})"),
        # One digit mistyped or two swapped, by which part it is in: they are not equally common
        # in one person's records, nor equally rare between two people (the cheap integer tests
        # spare most pairs the edit distance).
        Level(
            _dob_one_digit("dob_year_l = dob_year_r and dob_month_l = dob_month_r"),
            "one digit different in the day ({l}/{r})",
        ),
        Level(
            _dob_one_digit("dob_year_l = dob_year_r and dob_day_l = dob_day_r"),
            "one digit different in the month ({l}/{r})",
        ),
        Level(
            _dob_one_digit(
                "dob_month_l = dob_month_r and dob_day_l = dob_day_r"
                f" and abs(dob_year_l - dob_year_r) < {DOB_YEARS_APART}"
            ),
            "one digit different in the year ({l}/{r})",
        ),
        Level(
            cll.CustomLevel(
                f"{_PART_READ} and dob_year_l = dob_year_r and dob_month_l = dob_month_r"
            ),
            "same year and month, the day not readable ({l}/{r})",
        ),
        Level(
            cll.CustomLevel(
                f"{_PART_READ} and dob_year_l = dob_year_r"
                " and (dob_month_l is null or dob_month_r is null)"
            ),
            "same year, the month not readable ({l}/{r})",
        ),
        # A mistyped decade (1965/1985) away from home: a typing error, learned like the others.
        # At the same address it is a father and son who share a birthday (below).
        Level(
            _dob_one_digit(
                f"dob_month_l = dob_month_r and dob_day_l = dob_day_r and not {_SAME_HOUSEHOLD}"
            ),
            "one digit different in the decade, at another address ({l}/{r})",
        ),
        Level(
            cll.CustomLevel(
                f"abs(dob_year_l - dob_year_r) < {DOB_YEARS_APART} and {_TWO_OF_THREE} >= 2"
            ),
            "two of day, month and year agree ({l}/{r})",
        ),
        # Any other pair born ten years or more apart is taken to be two people, even on the
        # same day and month at one address (a father and son can share a birthday).
        Level(
            cll.And(
                cll.CustomLevel(f"abs(dob_year_l - dob_year_r) >= {DOB_YEARS_APART}"),
                _no_shared_identifier(),
            ),
            f"{DOB_YEARS_APART} or more years apart ({{l}}/{{r}})",
            rules_out_match=True,
        ),
        Level(cll.ElseLevel(), "different ({l}/{r})"),
    ),
)

_NO_OTHER_DISTRICT = cll.CustomLevel(
    "postcode_district_l is null or postcode_district_r is null"
    " or postcode_district_l = postcode_district_r"
)

# Address and postcode are one comparison: they are too closely tied to count as two pieces of
# evidence (the same address nearly always means the same postcode).
ADDRESS = Field(
    name="address",
    display_columns=("postcode", "postcode"),
    null_level=_both_sides_null("postcode", "address"),
    levels=(
        Level(
            cll.CustomLevel(
                "address_l = address_r"
                " and (postcode_l = postcode_r or postcode_l is null or postcode_r is null)"
            ),
            "same address",
        ),
        # A UK postcode unit covers a few dozen addresses: near as good as the same address.
        Level(
            cll.And(
                cll.ExactMatchLevel("postcode"), cll.CustomLevel("postcode_sector_l is not null")
            ),
            "same postcode",
        ),
        # No postcode unit agrees (a typo in it, or none, or not a UK one): the address by its
        # parts, unless both give UK postcode districts and they differ (1 High Street in
        # another town is another house).
        Level(
            cll.And(
                cll.ExactMatchLevel("address_number"),
                cll.JaroWinklerLevel("address_street", 0.9),
                _NO_OTHER_DISTRICT,
            ),
            "same house number and street ({street_l}/{street_r})",
        ),
        # The same postcode that is not a UK unit (an overseas postal code, or only a district):
        # it covers a town or a suburb, so it says less than the same house in it does; with
        # another house number or street it is a neighbour's record as often as a move's.
        Level(cll.ExactMatchLevel("postcode"), "same postcode, not a UK unit ({l})"),
        Level(
            cll.And(
                cll.JaroWinklerLevel("address_street", 0.9),
                cll.ArrayIntersectLevel("address_places", 1),
                _NO_OTHER_DISTRICT,
            ),
            "same street and place ({street_l}/{street_r})",
        ),
        Level(cll.ExactMatchLevel("postcode_sector"), "same postcode sector ({l}/{r})"),
        Level(cll.ExactMatchLevel("postcode_district"), "same postcode district ({l}/{r})"),
        Level(
            cll.And(cll.ArrayIntersectLevel("address_places", 1), _NO_OTHER_DISTRICT),
            "same place ({places})",
        ),
        Level(cll.ElseLevel(), "different area"),
    ),
)

# Middle names: strong evidence when both records give one (a shared first name and surname is
# common; a shared middle name as well is not). Whether each record gives one at all is evidence
# too, learned like the rest: one person's records mostly agree on having one or not, unrelated
# people often do not (where one source never records middle names, EM learns that such pairs say
# nothing). Missing (no weight) when either record has no forenames, or gives only an initial, or
# uses the other's middle name as its first name: such a record seldom gives a middle name, so
# that says nothing more than the forenames comparison already has.
MIDDLE_NAME = Field(
    name="middle_name",
    display_columns=("middle_name", "middle_name"),
    null_level=cll.CustomLevel(
        "first_forename_l is null or first_forename_r is null"
        " or length(first_forename_l) = 1 or length(first_forename_r) = 1"
        " or (first_forename_l <> first_forename_r"
        " and (array_contains(forenames_all_r, first_forename_l)"
        " or array_contains(forenames_all_l, first_forename_r)))"
    ).configure(is_null_level=True),
    levels=(
        Level(cll.ExactMatchLevel("middle_name"), "same ({l})"),
        Level(
            cll.CustomLevel(
                "(length(middle_name_l) = 1 or length(middle_name_r) = 1)"
                " and substr(middle_name_l, 1, 1) = substr(middle_name_r, 1, 1)"
            ),
            "initial agrees ({l}/{r})",
        ),
        Level(cll.JaroWinklerLevel("middle_name", 0.88), "similar spelling ({l}/{r})"),
        Level(
            cll.CustomLevel("middle_name_l is null and middle_name_r is null"),
            "none on either record",
        ),
        Level(
            cll.CustomLevel("middle_name_l is null or middle_name_r is null"),
            "on one record only ({l}/{r})",
        ),
        Level(cll.ElseLevel(), "different ({l}/{r})"),
    ),
)

SEX = Field(
    name="sex",
    display_columns=("sex", "sex"),
    null_level=_either_null("sex"),
    levels=(
        Level(cll.ExactMatchLevel("sex"), "same"),
        Level(cll.ElseLevel(), "different ({l}/{r})"),
    ),
)

# A personal identifier (the optional ``ni_number`` column): missing in most national extracts,
# decisive when both records carry one.
NI_NUMBER = Field(
    name="ni_number",
    display_columns=("ni_number", "ni_number"),
    null_level=_either_null("ni_number"),
    levels=(
        Level(cll.ExactMatchLevel("ni_number"), "same"),
        Level(cll.DamerauLevenshteinLevel("ni_number", 1), "one character different ({l}/{r})"),
        Level(cll.ElseLevel(), "different ({l}/{r})"),
    ),
)

FIELDS: tuple[Field, ...] = (
    FORENAMES,
    MIDDLE_NAME,
    SURNAME,
    DATE_OF_BIRTH,
    ADDRESS,
    SEX,
    NI_NUMBER,
)
# Fields left out of ``reasons`` and the weight parts when neither record has a value (so that
# files without the optional column read exactly as before).
OPTIONAL_FIELDS = frozenset(records.OPTIONAL_FIELDS)

# Candidate pairs are those agreeing on any one of these. Each rule catches the true pairs the
# others lose to one kind of error; measured recall on generated data is in docs/benchmarks.md.
BLOCKING_RULES: tuple[BlockingRuleCreator | str, ...] = (
    # Same date of birth, or day and month swapped: survives any change of name or address.
    block_on("dob_key"),
    # Same name family (Bill ~ William) and surname: survives a wrong date of birth and a move.
    block_on("forename_family", "surname"),
    # ... or one side's surname is the other's (first) previous surname.
    "l.forename_family = r.forename_family and l.previous_surname = r.surname",
    "l.forename_family = r.forename_family and l.surname = r.previous_surname",
    # Same postcode: survives a new or mistyped surname, a first name we cannot relate and a
    # wrong or missing date of birth. (A unit postcode holds a few dozen people, so this adds few
    # pairs; it replaced "name family + postcode" and "surname + postcode".)
    block_on("postcode"),
    # Errors in three fields at once (a mistyped name, a wrong or missing date of birth and a
    # move): one name exact, the other's first letter, and the postcode district or part of the
    # date of birth. Each adds few pairs (a few per workforce record at national scale).
    block_on("surname", "forename_initial", "postcode_district"),
    block_on("forename_family", "surname_initial", "postcode_district"),
    block_on("surname", "forename_initial", "dob_year"),
    block_on("surname", "forename_initial", "dob_month", "dob_day"),
    block_on("forename_family", "surname_initial", "dob_year"),
    block_on("forename_family", "surname_initial", "dob_month", "dob_day"),
    # First or second half of the personal identifier (NI number), when both records carry one:
    # survives a typing error in it and any error elsewhere.
    block_on("ni_head"),
    block_on("ni_tail"),
)

# Each EM session fixes the comparisons its rule uses and learns the others; together they learn
# every comparison's m probabilities.
TRAINING_KEYS: tuple[tuple[str, ...], ...] = (("first_forename", "surname"), ("dob",))
TRAINING_RULES: tuple[BlockingRuleCreator, ...] = tuple(block_on(*key) for key in TRAINING_KEYS)

# Pairs agreeing on all of these are taken as near-certain matches to estimate how many matches
# there are (the prior); DETERMINISTIC_RECALL is the share of all true pairs we assume they find.
DETERMINISTIC_RULES: tuple[BlockingRuleCreator, ...] = (
    block_on("first_forename", "surname", "dob"),
)
DETERMINISTIC_RECALL = 0.6


def share_u_probabilities(model: dict[str, Any]) -> dict[str, Any]:
    """Give every ``u_from_previous`` level of a saved Splink model the u probability of the level
    before it (see ``Level``). Changes and returns ``model``."""
    by_name = {c["output_column_name"]: c for c in model["comparisons"]}
    for f in FIELDS:
        levels = by_name[f.name]["comparison_levels"]  # the null level first, then f.levels
        for i, level in enumerate(f.levels):
            if level.u_from_previous:
                u = levels[i].get("u_probability")
                levels[i + 1]["u_probability"] = u
                levels[i + 1]["fix_u_probability"] = True
    return model


def remove_matches_from_u(model: dict[str, Any], sample_pairs: int) -> dict[str, Any]:
    """Correct the u probabilities for what the random sample of pairs cannot show.

    A random pair is a match with probability λ (the prior), so a level's share among sampled
    pairs is λ·m + (1 − λ)·u, not u. Splink takes that share as u. When matches are a large share
    of all pairs (FEBRL4: one pair in 5,000) that overstates u for the agreeing levels, most of all
    for an identifier (a shared NI number among unrelated people is near impossible); at national
    scale (one in millions) the correction is negligible.

    A level that no sampled pair shows (Splink saves its u as null, which then counts as no
    evidence at all: "same address" weighed nothing on one generated file and 22 bits on another)
    is given u = 3 / pairs sampled, the 95% upper bound when none of them shows it; no corrected
    u goes below that either. Levels whose u is fixed are left alone. Changes and returns
    ``model``."""
    prior = float(model["probability_two_random_records_match"])
    floor = 3.0 / max(1, sample_pairs)
    for comparison in model["comparisons"]:
        for level in comparison["comparison_levels"]:
            if level.get("is_null_level") or level.get("fix_u_probability"):
                continue
            m, u = level.get("m_probability"), level.get("u_probability")
            if not isinstance(u, float):
                level["u_probability"] = floor
            elif isinstance(m, float):
                level["u_probability"] = max(floor, (u - prior * m) / (1.0 - prior), min(u, floor))
    return model


def settings(rule_outs: bool = True) -> SettingsCreator:
    """The untrained model: link-only between the workforce and the national records.

    ``rule_outs=False`` learns the rule-out levels' m probabilities like any other level: for
    benchmark data with no twins or fathers and sons (FEBRL), never for a real data wash."""
    return SettingsCreator(
        link_type="link_only",
        unique_id_column_name="unique_id",
        comparisons=[f.comparison(rule_outs) for f in FIELDS],
        blocking_rules_to_generate_predictions=list(BLOCKING_RULES),  # type: ignore[arg-type]
        retain_matching_columns=True,
        # The per-field match weights (mw_<field>) the review page shows.
        retain_intermediate_calculation_columns=True,
        additional_columns_to_retain=[
            "previous_surnames",
            "surname_tokens",
            "dob_as_read",
        ],
        max_iterations=25,
        em_convergence=0.0001,
    )
