"""What a StreetSafe report can say: reasons, times of day and the optional questions.

Reasons are the codes of interchange §5 (docs/formats.md), environmental and behavioural; the labels are
words the public page shows. No free text is ever collected. A report keeps its reasons as one
integer, one bit per reason: bit ``n`` is ``REASONS[n]``, so this list only ever grows at its end
(reordering it would change what stored reports say).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    kind: str  # "environmental" or "behavioural"

    @property
    def bit(self) -> int:
        return _BITS[self.code]


REASONS: tuple[Reason, ...] = (
    Reason("no_cctv", "No CCTV", "environmental"),
    Reason("poor_lighting", "Poor lighting", "environmental"),
    Reason("isolated_or_empty", "Isolated or empty", "environmental"),
    Reason("poor_layout", "Poor layout, such as an underpass or alley", "environmental"),
    Reason("restricted_visibility", "Hard to see around, such as bushes or walls", "environmental"),
    Reason("rundown", "Run down, such as graffiti or litter", "environmental"),
    Reason("drug_or_alcohol_use", "Signs of drug or alcohol use", "environmental"),
    Reason("other_environmental", "Something else about the place", "environmental"),
    Reason("harassment_single", "Verbal harassment by one person", "behavioural"),
    Reason("harassment_group", "Verbal harassment by a group", "behavioural"),
    Reason("followed", "Being followed", "behavioural"),
    Reason("other_harassment", "Other harassment", "behavioural"),
    Reason("other_behaviour", "Something else someone did", "behavioural"),
)
BY_CODE = {reason.code: reason for reason in REASONS}
_BITS = {reason.code: 1 << index for index, reason in enumerate(REASONS)}
KINDS = {"environmental": "About the place", "behavioural": "About what someone did"}


def reason_mask(codes: Iterable[str]) -> int:
    """The stored integer for a set of reason codes (unknown codes raise KeyError)."""
    mask = 0
    for code in codes:
        mask |= BY_CODE[code].bit
    return mask


def reason_codes(mask: int) -> list[str]:
    return [reason.code for reason in REASONS if mask & reason.bit]


class TimeOfDay(models.TextChoices):
    """Times of day in the force's local time. A report keeps only the band, never the minute:
    a precise time could be matched with other records to find who made it."""

    NIGHT = "night", "Night (midnight to 6am)"
    MORNING = "morning", "Morning (6am to noon)"
    AFTERNOON = "afternoon", "Afternoon (noon to 6pm)"
    EVENING = "evening", "Evening (6pm to midnight)"


def time_of_day(hour: int) -> str:
    return [TimeOfDay.NIGHT, TimeOfDay.MORNING, TimeOfDay.AFTERNOON, TimeOfDay.EVENING][hour // 6]


class AgeBand(models.TextChoices):
    UNDER_18 = "under_18", "Under 18"
    AGE_18_24 = "18_24", "18 to 24"
    AGE_25_34 = "25_34", "25 to 34"
    AGE_35_44 = "35_44", "35 to 44"
    AGE_45_54 = "45_54", "45 to 54"
    AGE_55_64 = "55_64", "55 to 64"
    AGE_65_PLUS = "65_plus", "65 or over"


class ReporterSex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "I describe myself another way"


class Targeted(models.TextChoices):
    """Whether the person felt targeted because of a protected characteristic (Equality Act
    2010 s4)."""

    YES = "yes", "Yes"
    NO = "no", "No"
    NOT_SURE = "not_sure", "Not sure"
