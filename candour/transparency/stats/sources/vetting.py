"""The vetting source: applications for vetting and their decisions (docs/vetting.md).

An application is counted in the period it was made (``applied_on``); a grant, refusal or
withdrawal in the period it was decided (``decided_on``). A force is the applicant's force in
the workforce file.
"""

from __future__ import annotations

from candour.transparency.stats.declaration import (
    FORCE_DIMENSION,
    PERIOD_DIMENSIONS,
    Column,
    Count,
    DateColumn,
    Dimension,
    Level,
    Source,
    choices,
)
from candour.vetting.models import (
    GRANTING_DECISIONS,
    ApplicationKind,
    Decision,
    RefusalReason,
    VettingApplication,
)
from candour.vetting.reference import LEVEL_CHOICES

DECIDED = "decided_on"

VETTING = Source(
    name="vetting",
    title="Vetting figures",
    levels=(Level("application", VettingApplication, id_column="application_id"),),
    columns=(
        Column("person_id", "application", "person", type="id"),
        Column("force", "application", "person__force"),
        Column("vetting_level", "application", "level"),
        Column("kind", "application", "kind"),
        Column("decision", "application", "decision", known=True),
        Column("reason", "application", "reason", known=True),
        Column("applied_on", "application", "applied_on", type="date"),
        Column(DECIDED, "application", DECIDED, type="date"),
    ),
    dates=(
        DateColumn(
            "applied_on",
            "application",
            stem="applied",
            lead="for applications made ",
            title="Date applied",
        ),
        DateColumn(
            DECIDED, "application", stem="decided", lead="for decisions made ", title="Date decided"
        ),
    ),
    counts=(
        Count(
            "applications",
            "application",
            "applications",
            "application",
            "application_id",
            date="applied_on",
            verb="made",
        ),
        Count(
            "granted",
            "grant",
            "grants",
            "application",
            "application_id",
            date=DECIDED,
            only=(("decision", tuple(str(d) for d in GRANTING_DECISIONS)),),
        ),
        Count(
            "refused",
            "refusal",
            "refusals",
            "application",
            "application_id",
            date=DECIDED,
            only=(("decision", (str(Decision.REFUSED),)),),
        ),
        Count(
            "withdrawn",
            "withdrawal",
            "withdrawals",
            "application",
            "application_id",
            date=DECIDED,
            only=(("decision", (str(Decision.WITHDRAWN),)),),
        ),
    ),
    dimensions=(
        *PERIOD_DIMENSIONS,
        FORCE_DIMENSION,
        Dimension(
            "level",
            "Vetting level",
            column="vetting_level",
            labels=dict(LEVEL_CHOICES),
            phrase="for {label}",
        ),
        Dimension(
            "kind", "Kind", column="kind", labels=choices(ApplicationKind), phrase="{label_lower}"
        ),
        Dimension(
            "decision",
            "Decision",
            column="decision",
            labels=choices(Decision),
            phrase="{label_lower}",
            unknown_label="Not decided yet",
        ),
        Dimension(
            "reason",
            "Reason",
            column="reason",
            labels=choices(RefusalReason),
            phrase="for {label_lower}",
            unknown_label="Not recorded",
        ),
    ),
    changes=("vetting", "workforce"),
    default_count="applications",
)
