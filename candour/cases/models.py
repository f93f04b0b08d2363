"""The case core: matters, their allegations, and each subject's part in an allegation.

One matter (``Case``) holds allegations; each allegation concerns zero or more subjects through
``AllegationSubject``, which carries what can differ per subject: the severity assessment,
proceedings and outcome (Police (Conduct) Regulations 2020). Blank means "not known".
Field codes are those of interchange §1 (docs/formats.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.db.models import Q

from candour.core import reference, scoping
from candour.core.models import Force, Person, PersonRole, Rank, Sex, User


class CaseType(models.TextChoices):
    COMPLAINT = "complaint", "Complaint"
    CONDUCT_MATTER = "conduct_matter", "Conduct matter"
    DSI_MATTER = "dsi_matter", "Death or serious injury matter"


# Themes that cut across categories; their one home is candour/reference/flags.csv.
FlagCode = models.TextChoices(  # type: ignore[call-overload]
    "FlagCode", [(code.upper(), (code, label)) for code, label in reference.FLAGS.items()]
)


class IopcReferral(models.TextChoices):
    MANDATORY = "mandatory", "Mandatory referral"
    VOLUNTARY = "voluntary", "Voluntary referral"
    NONE = "none", "Not referred"


class Investigation(models.TextChoices):
    NONE = "none", "Not investigated"
    LOCAL = "local", "Local"
    DIRECTED = "directed", "Directed"
    INDEPENDENT = "independent", "Independent"


class Severity(models.TextChoices):
    NONE = "none", "No misconduct"
    MISCONDUCT = "misconduct", "Misconduct"
    GROSS_MISCONDUCT = "gross_misconduct", "Gross misconduct"


class Proceedings(models.TextChoices):
    NONE = "none", "None"
    RPRP = "rprp", "Reflective practice review process"
    MANAGEMENT_ACTION = "management_action", "Management action"
    MISCONDUCT_MEETING = "misconduct_meeting", "Misconduct meeting"
    GROSS_MISCONDUCT_HEARING = "gross_misconduct_hearing", "Gross misconduct hearing"
    ACCELERATED_HEARING = "accelerated_hearing", "Accelerated misconduct hearing"


class Outcome(models.TextChoices):
    NO_FURTHER_ACTION = "no_further_action", "No further action"
    NO_CASE_TO_ANSWER = "no_case_to_answer", "No case to answer"
    NOT_PROVEN = "not_proven", "Not proven"
    REFLECTIVE_PRACTICE = "reflective_practice", "Reflective practice"
    MANAGEMENT_ACTION = "management_action", "Management action"
    MANAGEMENT_ADVICE = "management_advice", "Management advice"
    WRITTEN_WARNING = "written_warning", "Written warning"
    FINAL_WRITTEN_WARNING = "final_written_warning", "Final written warning"
    REDUCTION_IN_RANK = "reduction_in_rank", "Reduction in rank"
    DISMISSAL_WITH_NOTICE = "dismissal_with_notice", "Dismissal with notice"
    DISMISSAL_WITHOUT_NOTICE = "dismissal_without_notice", "Dismissal without notice"
    WOULD_HAVE_BEEN_DISMISSED = "would_have_been_dismissed", "Would have been dismissed"
    RESIGNED_OR_RETIRED = "resigned_or_retired", "Resigned or retired"
    WITHDRAWN = "withdrawn", "Withdrawn"
    OTHER = "other", "Other"


class AllegationFinding(models.TextChoices):
    """What was found on the allegation, apart from what was done about it (interchange §1
    ``finding``, docs/formats.md): a US "sustained" is ``proven``, "not sustained" ``not_proven``.
    The workflow records it from the proceedings (``forums.allegation_finding``)."""

    PROVEN = "proven", "Proven"
    NOT_PROVEN = "not_proven", "Not proven"
    UNFOUNDED = "unfounded", "Unfounded (did not happen)"
    EXONERATED = "exonerated", "Exonerated (happened, was lawful)"
    NO_FINDING = "no_finding", "Closed without a finding"


class Stage(models.TextChoices):
    """Where a matter is in the statutory process; the actions each stage allows are in
    ``candour/cases/process.py``."""

    RECEIVED = "received", "Received, handling not yet decided"
    OUTSIDE_SCHEDULE_3 = "outside_schedule_3", "Handled outside Schedule 3"
    ASSESSMENT = "assessment", "Within Schedule 3: assessment"
    REFERRED = "referred", "Referred to the IOPC, awaiting its decision"
    INVESTIGATION = "investigation", "Under investigation"
    DETERMINATION = "determination", "Investigation reported: determination"
    PROCEEDINGS = "proceedings", "Proceedings and outcomes"
    APPEAL = "appeal", "Appeal to the Police Appeals Tribunal"
    REVIEW = "review", "Complainant's review"
    CLOSED = "closed", "Closed"


class Determination(models.TextChoices):
    """The appropriate authority's decision on the investigation report (Police (Conduct)
    Regulations 2020 reg 23; Police Reform Act 2002 Sch 3 para 24)."""

    CASE_TO_ANSWER = "case_to_answer", "Case to answer"
    NO_CASE_TO_ANSWER = "no_case_to_answer", "No case to answer"
    PRACTICE_REQUIRING_IMPROVEMENT = (
        "practice_requiring_improvement",
        "Practice requiring improvement",
    )


class AppealStatus(models.TextChoices):
    LODGED = "lodged", "Appeal lodged"
    DISMISSED = "dismissed", "Appeal dismissed"
    ALLOWED = "allowed", "Appeal allowed"


class ListReferral(models.TextChoices):
    BARRED = "barred", "Barred List"
    ADVISORY = "advisory", "Advisory List"


class Category(models.Model):
    """Allegation categories (candour/reference/categories.csv): IOPC 2020, Standards of Professional
    Behaviour and the pre-2020 lettered scheme. Codes stay stable when labels are corrected."""

    code = models.SlugField(primary_key=True, max_length=60)
    scheme = models.CharField(max_length=24)
    group = models.CharField(max_length=80)
    label = models.CharField(max_length=120)
    default_flags: models.ManyToManyField[Flag, Any] = models.ManyToManyField(
        "Flag", blank=True, related_name="+"
    )

    class Meta:
        ordering = ["scheme", "group", "label"]
        verbose_name_plural = "categories"

    def __str__(self) -> str:
        return f"{self.label} ({self.group})"


class Flag(models.Model):
    """Themes that cut across categories (e.g. domestic abuse, which is no category)."""

    code = models.SlugField(primary_key=True, max_length=24, choices=FlagCode.choices)
    label = models.CharField(max_length=60)

    def __str__(self) -> str:
        return self.label


class CaseQuerySet(models.QuerySet["Case"]):
    def visible_to(self, user: User) -> CaseQuerySet:
        """The cases the user may read (the rules are candour.core.scoping's)."""
        return scoping.visible_to(user, self)


class Case(models.Model):
    """A complaint, conduct matter or DSI matter (Police Reform Act 2002, Schedule 3)."""

    force = models.ForeignKey(Force, on_delete=models.PROTECT, related_name="cases")
    ref = models.CharField("case reference", max_length=64)
    case_type = models.CharField(max_length=16, choices=CaseType.choices)
    received_date = models.DateField()
    summary = models.TextField(
        blank=True, default="", db_default="", help_text="What happened, when and where."
    )
    stage = models.CharField(
        max_length=20, choices=Stage.choices, default=Stage.RECEIVED, db_default=Stage.RECEIVED
    )
    rules_version = models.CharField(
        max_length=8,
        blank=True,
        default="",
        db_default="",
        help_text="The rules the matter runs under (candour/cases/rules.py), fixed at receipt.",
    )
    schedule_3 = models.BooleanField(
        null=True, blank=True, help_text="Handled within Schedule 3 (empty: not yet decided)."
    )
    incident_date = models.DateField(null=True, blank=True, help_text="When it happened.")
    location = models.CharField(max_length=200, blank=True, default="", db_default="")
    assigned_to = models.ForeignKey(
        User,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_cases",
        help_text="Whose work queue the matter is in.",
    )
    next_due = models.DateField(
        null=True,
        blank=True,
        help_text="The nearest due date of the force's running duties (candour/cases/clocks.py).",
    )
    complainant_informed_on = models.DateField(
        null=True, blank=True, help_text="The complainant was told the outcome (review clock)."
    )
    finalised_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the matter was closed (the IOPC's 'finalised'); empty while it is "
        "open or reopened by an upheld review (docs/statistics.md, 'The IOPC quarterly return').",
    )
    allegation_pairs = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Each category and flag that one allegation of the case carries together, as "
        "'category flag', sorted (pair_key): the case list's category + flag filter reads it "
        "from the case row on PostgreSQL. Kept by the services and the import "
        "(refresh_allegation_pairs); never edited by hand.",
    )
    version = models.PositiveIntegerField(default=1, help_text="Raised by every change.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = CaseQuerySet.as_manager()

    class Meta:
        ordering = ["-received_date", "ref"]
        constraints = [models.UniqueConstraint(fields=["force", "ref"], name="case_unique_ref")]
        indexes = [
            models.Index(fields=["force", "received_date"]),
            # Statistics: periods across all forces, and the public pages' change fingerprint.
            models.Index(fields=["received_date"], name="case_received_idx"),
            models.Index(fields=["updated_at"], name="case_updated_idx"),
            models.Index(fields=["force", "stage"], name="case_force_stage_idx"),
            models.Index(fields=["force", "next_due"], name="case_force_next_due_idx"),
            models.Index(fields=["assigned_to", "next_due"], name="case_assigned_due_idx"),
            # The search box: a case reference in any force.
            models.Index(fields=["ref"], name="case_ref_idx"),
            # The case list's order, read in order so a page needs no sort of every case.
            models.Index(fields=["-received_date", "ref"], name="case_list_order_idx"),
            # The work queue: open matters, nearest duty first; with the force and the assignee
            # in the index (PostgreSQL), its counts and its page are read from the index alone.
            models.Index(
                fields=["next_due", "received_date", "id"],
                include=["force", "assigned_to"],
                condition=~models.Q(stage="closed"),
                name="case_open_queue_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} ({self.force_id})"

    @property
    def rules(self) -> str:
        """The code of the rules version the matter runs under (candour/cases/rules.py): the one
        recorded at receipt, or, for a matter imported without one, that of its received date."""
        if self.rules_version:
            return self.rules_version
        from candour.cases.rules import rules_version_for

        return rules_version_for(self.received_date).code

    @property
    def is_open(self) -> bool:
        return AllegationSubject.objects.filter(allegation__case=self, outcome="").exists()

    def parts(self) -> list[AllegationSubject]:
        """The subjects' parts in the matter's allegations, in order, from what was loaded with
        the matter (``loaded``) or else from the database."""
        return [
            part
            for allegation in loaded(self, "allegations")
            for part in loaded(allegation, "subjects")
        ]


def loaded(instance: models.Model, name: str) -> Iterable[Any]:
    """The related objects ``name`` of ``instance`` as loaded with it, else ``.all()``.

    A list loads its rows with ``Prefetch(name, to_attr=f"loaded_{name}")``: plain lists, where
    Django's own prefetch builds a filtered queryset for every object (about a third of the work
    queue's time for 50 matters, measured). Rows prefetched the ordinary way (``load_case``) are
    read as they stand too, without the new queryset ``.all()`` would clone for each call."""
    listed = getattr(instance, f"loaded_{name}", None)
    if listed is not None:
        return listed  # type: ignore[no-any-return]
    cached = getattr(instance, "_prefetched_objects_cache", {}).get(name)
    return cached if cached is not None else getattr(instance, name).all()


class Allegation(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allegations")
    ref = models.CharField("allegation reference", max_length=64)
    category = models.ForeignKey(Category, on_delete=models.PROTECT, related_name="allegations")
    flags = models.ManyToManyField(Flag, blank=True, related_name="allegations")

    class Meta:
        ordering = ["case", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["case", "ref"], name="allegation_unique_ref")
        ]
        # The case list's category filter: the cases of a category read from the index alone.
        indexes = [
            models.Index(fields=["category", "case", "id"], name="allegation_category_case_idx")
        ]

    def __str__(self) -> str:
        return f"{self.case.ref}/{self.ref}"


def pair_key(category: str, flag: str) -> str:
    """How ``Case.allegation_pairs`` writes one allegation's category with one of its flags (a
    category or flag code never holds a space: docs/categories.md). The import's plan writes the
    same text in SQL (candour/cases/interchange/plan.py), held to this by its tests."""
    return f"{category} {flag}"


def allegation_pairs_of(case_ids: Iterable[int]) -> dict[int, list[str]]:
    """What ``Case.allegation_pairs`` should hold for each of ``case_ids``, read from the
    allegations and their flags."""
    ids = list(case_ids)
    pairs: dict[int, set[str]] = {pk: set() for pk in ids}
    rows = Allegation.flags.through.objects.filter(allegation__case_id__in=ids).values_list(
        "allegation__case_id", "allegation__category_id", "flag_id"
    )
    for case_id, category, flag in rows.iterator(chunk_size=5000):
        pairs[case_id].add(pair_key(category, flag))
    return {pk: sorted(found) for pk, found in pairs.items()}


def refresh_allegation_pairs(case_ids: Iterable[int]) -> None:
    """Store each case's category and flag pairs after its allegations or their flags change
    (every service that changes them calls this; the import writes them in its plan)."""
    ids = sorted(set(case_ids))
    for start in range(0, len(ids), 500):
        found = allegation_pairs_of(ids[start : start + 500])
        cases = [Case(pk=pk, allegation_pairs=pairs) for pk, pairs in found.items()]
        Case.objects.bulk_update(cases, ["allegation_pairs"])


# The coded fields of a subject's part in an allegation and their codes, in the order of the
# interchange §1 columns (docs/interchange.md): the file layout, the services, the API and the
# statistics all take them here.
SUBJECT_PART_CHOICES: dict[str, type[models.TextChoices]] = {
    "subject_role": PersonRole,
    "subject_sex": Sex,
    "subject_rank": Rank,
    "iopc_referral": IopcReferral,
    "investigation": Investigation,
    "severity": Severity,
    "proceedings": Proceedings,
    "outcome": Outcome,
    "finding": AllegationFinding,
}
SUBJECT_PART_CODES = tuple(SUBJECT_PART_CHOICES)


class AllegationSubject(models.Model):
    """One subject's part in one allegation: one row of interchange §1.

    ``subject`` is empty where the subject was not identified. Role, sex and rank are kept as
    they were recorded for this allegation (a rank can change between cases)."""

    allegation = models.ForeignKey(Allegation, on_delete=models.CASCADE, related_name="subjects")
    subject = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.PROTECT, related_name="allegations"
    )
    subject_role = models.CharField(max_length=20, choices=PersonRole.choices, blank=True)
    subject_sex = models.CharField(max_length=8, choices=Sex.choices, blank=True)
    subject_rank = models.CharField(max_length=24, choices=Rank.choices, blank=True)
    iopc_referral = models.CharField(max_length=12, choices=IopcReferral.choices, blank=True)
    investigation = models.CharField(max_length=12, choices=Investigation.choices, blank=True)
    severity = models.CharField(max_length=20, choices=Severity.choices, blank=True)
    proceedings = models.CharField(max_length=28, choices=Proceedings.choices, blank=True)
    outcome = models.CharField(max_length=28, choices=Outcome.choices, blank=True)
    outcome_date = models.DateField(null=True, blank=True)
    finding = models.CharField(
        max_length=12, choices=AllegationFinding.choices, blank=True, default="", db_default=""
    )
    # The workflow's own record of this subject's path (the fields above are interchange §1).
    determination = models.CharField(
        max_length=32, choices=Determination.choices, blank=True, default="", db_default=""
    )
    # What the person conducting the proceedings found (forums.Finding: misconduct, gross
    # misconduct, neither, not proven), as the outcome was recorded; ``finding`` above is the
    # interchange's coarser code, worked out from it by the workflow.
    proceedings_finding = models.CharField(
        max_length=20, blank=True, default="", db_default="", help_text="Finding at proceedings."
    )
    notice_served_on = models.DateField(null=True, blank=True, help_text="Regulation 17 notice.")
    appeal_status = models.CharField(
        max_length=12, choices=AppealStatus.choices, blank=True, default="", db_default=""
    )
    appeal_lodged_on = models.DateField(null=True, blank=True)
    list_referral = models.CharField(
        max_length=12, choices=ListReferral.choices, blank=True, default="", db_default=""
    )

    class Meta:
        ordering = ["allegation", "id"]
        # Statistics: periods on the date of the outcome (candour stats --date outcome_date).
        indexes = [models.Index(fields=["outcome_date"], name="subject_outcome_date_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["allegation", "subject"],
                name="allegation_subject_unique",
                condition=Q(subject__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["allegation"],
                name="allegation_unidentified_subject_unique",
                condition=Q(subject__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        who = self.subject.ref if self.subject is not None else "unidentified subject"
        return f"{self.allegation} – {who}"


class CaseEvent(models.Model):
    """One decision or step in a matter's timeline: who, when, why, and the case version it made.

    Written only by the workflow services (candour/cases/workflow.py); never edited."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    part = models.ForeignKey(
        AllegationSubject, null=True, blank=True, on_delete=models.CASCADE, related_name="events"
    )
    action = models.CharField(max_length=40)
    at = models.DateTimeField()
    by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    by_name = models.CharField(max_length=150, blank=True)
    reason = models.TextField(blank=True)
    detail = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(help_text="The case version this step produced.")

    class Meta:
        ordering = ["case", "at", "id"]
        indexes = [models.Index(fields=["case", "version"], name="case_event_version_idx")]

    def __str__(self) -> str:
        return f"{self.case.ref}: {self.action} by {self.by_name} at {self.at:%Y-%m-%d %H:%M}"


class Complainant(models.Model):
    """A complainant's details: personal data, kept apart from the case so that no statistic,
    export or other role's answer can carry them (see docs/cases.md, "Complainants")."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="complainants")
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=40, blank=True)
    on_behalf_of = models.CharField(
        max_length=200, blank=True, help_text="The person complained for, when made on behalf."
    )

    class Meta:
        ordering = ["case", "id"]

    def __str__(self) -> str:
        return f"complainant {self.pk} of {self.case.ref}"


class Hearing(models.Model):
    """Misconduct proceedings arranged for one subject's part: forum, date, panel, publicity.

    Gross misconduct hearings are public by default (Police (Conduct) Regulations 2020 reg 39);
    the chair may hold all or part in private or anonymise the officer (``restrictions``)."""

    part = models.OneToOneField(AllegationSubject, on_delete=models.CASCADE, related_name="hearing")
    forum = models.CharField(max_length=28, choices=Proceedings.choices)
    hearing_date = models.DateField(null=True, blank=True)
    panel = models.JSONField(default=list, blank=True, help_text='[{"role", "name"}]')
    public = models.BooleanField(default=False)
    anonymised = models.BooleanField(default=False, help_text="The chair ordered anonymity.")
    restrictions = models.TextField(blank=True, help_text="The chair's reporting restrictions.")
    referral_notice_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the notice of referral and its documents were supplied to the officer "
        "(Conduct Regs reg 30); the officer's 15 working days to answer run from it (reg 31). "
        "For an accelerated hearing, the notice under reg 51(1): the hearing falls 10 to 15 "
        "working days after it (reg 52(1)).",
    )
    officer_response_on = models.DateField(
        null=True, blank=True, help_text="When the officer gave the reg 31(2) written notice."
    )
    notice_published_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the notice of this public hearing, with its date, went on the force's "
        "public pages (workflow.public_hearing_notices): set when the hearing is made public with "
        "a date or given a new date, cleared when it is made private. Reg 36 asks for the notice "
        "at least 5 working days before the hearing.",
    )

    def __str__(self) -> str:
        return f"{self.get_forum_display()} for {self.part}"


class ProgressReport(models.Model):
    """A report to the local policing body (and the IOPC where involved) on an investigation
    not finished within 12 months, then every 6 months (Police (Conduct) Regulations 2020 reg 19;
    Police (Complaints and Misconduct) Regulations 2020 reg 13)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="progress_reports")
    period_end = models.DateField(help_text="The end of the relevant period reported on.")
    sent_on = models.DateField()

    class Meta:
        ordering = ["case", "period_end"]
        constraints = [
            models.UniqueConstraint(fields=["case", "period_end"], name="progress_report_unique")
        ]

    def __str__(self) -> str:
        return f"{self.case.ref}: report for the period to {self.period_end}"
