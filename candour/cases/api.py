from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.errors import HttpError
from ninja.pagination import LimitOffsetPagination, paginate

from candour.cases import services
from candour.cases.models import Case
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


class AllegationOut(Schema):
    allegation_ref: str
    category: str
    flags: list[str]
    subjects: list[SubjectOut]


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


def _require(request: HttpRequest) -> None:
    if not request.user.can(Capability.VIEW_CASES):  # type: ignore[union-attr]
        raise HttpError(403, "Your role does not allow reading cases.")


def _case_out(case: Case) -> dict[str, object]:
    return {
        "id": case.pk,
        "force": case.force_id,
        "case_ref": case.ref,
        "case_type": case.case_type,
        "received_date": case.received_date,
    }


@router.get("", response=list[CaseOut], summary="Cases visible to the caller")
@paginate(LimitOffsetPagination)
def list_cases(request: HttpRequest, force: str | None = None):  # type: ignore[no-untyped-def]
    _require(request)
    return services.cases_for(request.user, force=force, channel="api")  # type: ignore[arg-type]


@router.get("/{case_id}", response=CaseDetailOut, summary="One case with its allegations")
def get_case(request: HttpRequest, case_id: int):  # type: ignore[no-untyped-def]
    _require(request)
    try:
        case = services.open_case(request.user, case_id, channel="api")  # type: ignore[arg-type]
    except Case.DoesNotExist:
        raise HttpError(404, "No case with that id is open to you.") from None
    out = _case_out(case)
    out["allegations"] = [
        {
            "allegation_ref": a.ref,
            "category": a.category_id,
            "flags": sorted(f.code for f in a.flags.all()),
            "subjects": [
                {
                    "subject_ref": s.subject.ref if s.subject else None,
                    **{
                        f: getattr(s, f)
                        for f in (
                            "subject_role subject_sex subject_rank iopc_referral investigation "
                            "severity proceedings outcome outcome_date"
                        ).split()
                    },
                }
                for s in a.subjects.all()
            ],
        }
        for a in case.allegations.all()
    ]
    return out
