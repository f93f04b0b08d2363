"""Write the demo data set and the demo logins into the database.

Idempotent twice over. A load leaves an "import" entry in the audit log; while that entry is
there the data set is not generated again, so a later version of the generator (or another
scale) cannot add a second workforce. Without it, people are keyed by (force, ref), cases by
(force, ref) and users by user name, and only missing rows are written. Rows go in with
bulk_create, through the case services (candour/cases/services.py add_workforce_in_bulk,
add_cases_in_bulk).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from candour.cases import services
from candour.cases.models import Case, Category, Flag
from candour.cases.placement import place_imported_matters
from candour.core import audit, changes
from candour.core.demo import figures as F
from candour.core.demo.generate import DemoData, Reference, generate
from candour.core.demo.workflow import walk_demo_matters
from candour.core.models import AuditEntry, Force, User
from candour.core.roles import Role
from candour.transparency.stats.store import refresh_stat_rows

AUDIT_SOURCE = "candour demo"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    forces: tuple[str, ...]
    is_superuser: bool = False


# One login per role; Bedfordshire, Cambridgeshire and Hertfordshire share one PSD and CCU.
JOINT_PSD = ("bedfordshire", "cambridgeshire", "hertfordshire")
DEMO_LOGINS = (
    DemoLogin("admin", Role.SYSTEM_ADMIN, tuple(sorted(F.HEADCOUNTS)), is_superuser=True),
    DemoLogin("investigator", Role.INVESTIGATOR, JOINT_PSD),
    DemoLogin("authority", Role.APPROPRIATE_AUTHORITY, ("cambridgeshire",)),
    DemoLogin("vetting", Role.VETTING_OFFICER, ("norfolk", "suffolk")),
    DemoLogin("analyst", Role.CCU_ANALYST, JOINT_PSD),
    DemoLogin("foi", Role.FOI_OFFICER, ("cambridgeshire",)),
    DemoLogin("pcc", Role.PCC_OFFICE, ("cambridgeshire",)),
)


def demo_password() -> str:
    return str(settings.DEMO_PASSWORD)


@dataclass
class LoginResult:
    login: DemoLogin
    created: bool
    password_works: bool


@dataclass
class DemoResult:
    people_created: int = 0
    cases_created: int = 0
    allegations_created: int = 0
    subjects_created: int = 0
    already_loaded: bool = False
    logins: list[LoginResult] = field(default_factory=list)
    vetting: dict[str, int] = field(default_factory=dict)
    candidates: int = 0
    foi_answers: int = 0
    published_figures: int = 0

    @property
    def changed_anything(self) -> bool:
        return bool(
            self.people_created or self.cases_created or any(login.created for login in self.logins)
        )


def load_demo(
    *,
    scale: float = 1.0,
    seed: int = F.SEED,
    progress: Progress | None = None,
    first_work: bool = True,
) -> DemoResult:
    """Load the demo data set and the demo logins. Once a load is on record a second run
    adds nothing, whatever its scale or seed. ``scale`` shrinks or grows the workforce and
    case volumes together (1.0 gives about 12,500 people and 10,000 allegations).
    ``first_work`` adds the work the case history gives no login (core/demo/work.py: vetting,
    a data wash, FOI answers, published figures; about 5 s of the load); tests of the case
    data leave it out."""
    say = progress or (lambda message: None)
    result = DemoResult(already_loaded=demo_already_loaded())
    with transaction.atomic():
        if not result.already_loaded:
            say("Generating the synthetic data set")
            data = generate(reference_tables(), scale=scale, seed=seed)
            write_demo_data(data, result, say)
            # The history goes in as an import would: placed closed or open, rules by date.
            place_imported_matters(Case.objects.filter(force_id__in=list(F.HEADCOUNTS)))
            changes.mark_changed(changes.CASES)  # QuerySet.update sends no signals
        say("Checking the demo logins")
        result.logins = [_ensure_login(login, demo_password()) for login in DEMO_LOGINS]
        if not result.already_loaded:
            say("Taking the live demo matters through the statutory process")
            live = walk_demo_matters(
                User.objects.get(username="investigator"),
                User.objects.get(username="authority"),
                say=say,
            )
            result.cases_created += len(live)
            refresh_stat_rows()
            if first_work:
                _first_work(result, say)
        if result.changed_anything:
            audit.record(
                None,
                "import",
                object_type="cases.case",
                channel="cli",
                detail={
                    "source": AUDIT_SOURCE,
                    "seed": seed,
                    "scale": scale,
                    "people": result.people_created,
                    "cases": result.cases_created,
                    "allegations": result.allegations_created,
                },
            )
    return result


def _first_work(result: DemoResult, say: Progress) -> None:
    """Work for the logins the case history gives none (core/demo/work.py)."""
    from django.utils import timezone

    from candour.core.demo import work

    say("Giving the vetting officer clearances to renew and applications to decide")
    result.vetting = work.add_vetting_work(
        User.objects.get(username="vetting"), timezone.localdate()
    )
    say("Running a data wash of Norfolk's workforce against a synthetic national file")
    result.candidates = work.run_demo_data_wash()
    say("Saving the FOI officer's answers and other bodies' published figures")
    result.published_figures = work.add_published_figures()
    result.foi_answers = work.add_foi_answers(User.objects.get(username="foi"))


def demo_already_loaded() -> bool:
    """Whether a demo load is on record in the (append-only) audit log."""
    marker = json.dumps({"source": AUDIT_SOURCE}, separators=(",", ":"))[1:-1]
    return AuditEntry.objects.filter(
        action="import", object_type="cases.case", channel="cli", detail__contains=marker
    ).exists()


def reference_tables() -> Reference:
    categories = Category.objects.prefetch_related("default_flags")
    return Reference(
        category_schemes={c.code: c.scheme for c in categories},
        default_flags={
            c.code: frozenset(f.code for f in c.default_flags.all()) for c in categories
        },
        flags=frozenset(Flag.objects.values_list("code", flat=True)),
    )


def write_demo_data(
    data: DemoData, result: DemoResult | None = None, say: Progress | None = None
) -> DemoResult:
    """Write the people and cases of ``data`` that are not in the database yet (by key)."""
    result = result or DemoResult()
    say = say or (lambda message: None)
    with transaction.atomic():
        say(f"Writing the workforce ({len(data.people):,} people)")
        result.people_created = services.add_workforce_in_bulk(data.people, by=None, channel="cli")
        say(f"Writing the cases ({len(data.cases):,} matters)")
        added = services.add_cases_in_bulk(data.cases, by=None, channel="cli")
        result.cases_created = added.cases
        result.allegations_created = added.allegations
        result.subjects_created = added.subjects
    return result


def _ensure_login(login: DemoLogin, password: str) -> LoginResult:
    """Create a demo login if it is missing. An existing account of that name is left as it
    is (it may be a real one), and the result says whether the demo password opens it."""
    user = User.objects.filter(username=login.username).first()
    if user is not None:
        return LoginResult(login, created=False, password_works=user.check_password(password))
    user = User(
        username=login.username,
        role=login.role,
        is_staff=login.is_superuser,
        is_superuser=login.is_superuser,
    )
    # Demo passwords skip the validators on purpose: they are printed for anyone to use.
    user.set_password(password)
    user.save()
    user.forces.set(Force.objects.filter(code__in=login.forces))
    return LoginResult(login, created=True, password_works=True)
