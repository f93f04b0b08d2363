from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from candour.cases import services
from candour.cases.models import Allegation, AllegationSubject, Case
from candour.core.roles import Capability

router = Router(tags=["cases"])


class SubjectOut(Schema):
    subject_ref: str | None
    subject_role: str
    subject_sex: str
    subject_rank: str
    iopc_referral: str
    investigation: str
    severity: str
    proceedings: str
    outcome: str
    outcome_date: date | None

    @staticmethod
    def resolve_subject_ref(part: AllegationSubject) -> str | None:
        return part.subject.ref if part.subject is not None else None


class AllegationOut(Schema):
    allegation_ref: str
    category: str
    flags: list[str]
    subjects: list[SubjectOut]

    @staticmethod
    def resolve_allegation_ref(allegation: Allegation) -> str:
        return allegation.ref

    @staticmethod
    def resolve_category(allegation: Allegation) -> str:
        return allegation.category_id

    @staticmethod
    def resolve_flags(allegation: Allegation) -> list[str]:
        return sorted(flag.code for flag in allegation.flags.all())

    @staticmethod
    def resolve_subjects(allegation: Allegation) -> list[AllegationSubject]:
        return list(allegation.subjects.all())


class CaseOut(Schema):
    id: int
    force: str
    case_ref: str
    case_type: str
    received_date: date

    @staticmethod
    def resolve_force(case: Case) -> str:
        return case.force_id

    @staticmethod
    def resolve_case_ref(case: Case) -> str:
        return case.ref


class CaseDetailOut(CaseOut):
    allegations: list[AllegationOut]

    @staticmethod
    def resolve_allegations(case: Case) -> list[Allegation]:
        return list(case.allegations.all())


def _require_case_access(request: HttpRequest) -> None:
    if not request.user.can(Capability.VIEW_CASES):  # type: ignore[union-attr]
        raise HttpError(403, "Your role does not allow reading cases.")


@router.get("", response=list[CaseOut], summary="Cases visible to the caller")
@paginate(LimitOffsetPagination)
def list_cases(request: HttpRequest, force: str | None = None):  # type: ignore[no-untyped-def]
    _require_case_access(request)
    return services.cases_for(request.user, force=force, channel="api")  # type: ignore[arg-type]


@router.get("/{case_id}", response=CaseDetailOut, summary="One case with its allegations")
def get_case(request: HttpRequest, case_id: int) -> Case:
    _require_case_access(request)
    try:
        return services.open_case(request.user, case_id, channel="api")  # type: ignore[arg-type]
    except Case.DoesNotExist:
        raise HttpError(404, "No case with that id is open to you.") from None
