"""The demo data set: deterministic, realistic in shape, idempotent, one login per role."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, F

from candour.cases.models import Allegation, AllegationSubject, Case, Category, Flag
from candour.core.demo import DEMO_END, DEMO_START, load_demo
from candour.core.demo.figures import CATEGORIES_2020_FROM, HEADCOUNTS
from candour.core.demo.generate import generate
from candour.core.demo.load import reference_tables, write_demo_data
from candour.core.models import AuditEntry, Person, User

SMALL = 0.1  # a tenth of the full demo keeps each test to a second or two

# Which outcomes each kind of proceedings may give (Police (Conduct) Regulations 2020).
OUTCOMES_OF = {
    "rprp": {"reflective_practice"},
    "management_action": {"management_action"},
    "misconduct_meeting": {
        "no_further_action",
        "management_advice",
        "written_warning",
        "final_written_warning",
        "not_proven",
    },
    "gross_misconduct_hearing": {
        "dismissal_without_notice",
        "would_have_been_dismissed",
        "final_written_warning",
        "written_warning",
        "reduction_in_rank",
        "management_advice",
        "not_proven",
        "no_further_action",
    },
    "accelerated_hearing": {
        "dismissal_without_notice",
        "would_have_been_dismissed",
        "final_written_warning",
        "no_further_action",
    },
    "none": {
        "no_further_action",
        "no_case_to_answer",
        "withdrawn",
        "other",
        "resigned_or_retired",
    },
}


@pytest.fixture
def fast_passwords(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo(db, fast_passwords):  # type: ignore[no-untyped-def]
    return load_demo(scale=SMALL, first_work=False)


def table_counts() -> dict[str, int]:
    return {
        "people": Person.objects.count(),
        "cases": Case.objects.count(),
        "allegations": Allegation.objects.count(),
        "flags": Allegation.flags.through.objects.count(),
        "subjects": AllegationSubject.objects.count(),
        "users": User.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


def test_the_same_seed_gives_the_same_data_set(db):
    reference = reference_tables()
    first, second = generate(reference, scale=SMALL), generate(reference, scale=SMALL)
    assert first == second
    assert generate(reference, scale=SMALL, seed=7) != first


def test_the_full_demo_holds_at_least_5000_allegations(db):
    data = generate(reference_tables())
    assert sum(len(case.allegations) for case in data.cases) >= 5000


def test_the_full_workforce_is_in_proportion_to_the_real_forces(db):
    people = generate(reference_tables()).people
    officers = {
        force: sum(
            1 for p in people if p.force == force and p.role == "officer" and not p.left_date
        )
        for force in HEADCOUNTS
    }
    assert 17 <= officers["metropolitan"] / officers["cambridgeshire"] <= 23
    assert officers["hertfordshire"] > officers["cambridgeshire"] > officers["suffolk"]


def test_running_it_twice_changes_nothing(demo):
    before = table_counts()
    again = load_demo(scale=SMALL, first_work=False)
    assert not again.changed_anything
    assert table_counts() == before
    assert before["cases"] > 0 and before["people"] > 0


def test_a_loaded_demo_is_not_loaded_again_at_another_scale(demo):
    before = table_counts()
    again = load_demo(scale=SMALL * 2, first_work=False)
    assert again.already_loaded and not again.changed_anything
    assert table_counts() == before


def test_rows_already_present_are_not_written_again(db):
    data = generate(reference_tables(), scale=0.02)
    first = write_demo_data(data)
    before = table_counts()
    second = write_demo_data(data)
    assert first.people_created > 0 and first.cases_created > 0
    assert (second.people_created, second.cases_created) == (0, 0)
    assert table_counts() == before


def test_the_six_forces_have_a_workforce_of_every_role(demo):
    roles = set(Person.objects.filter(in_workforce_file=True).values_list("force_id", "role"))
    for force in HEADCOUNTS:
        for role in ("officer", "staff", "special_constable", "volunteer"):
            assert (force, role) in roles
    assert ("norfolk", "pcso") in roles  # its PCSOs all left in 2018
    assert not Person.objects.filter(force="norfolk", role="pcso", left_date__isnull=True).exists()


def test_about_two_thirds_of_officers_are_men(demo):
    officers = Person.objects.filter(role="officer")
    share = officers.filter(sex="male").count() / officers.count()
    assert 0.58 <= share <= 0.75


def test_constables_outnumber_every_other_rank(demo):
    ranks = dict(Person.objects.filter(role="officer").values_list("rank").annotate(n=Count("id")))
    assert ranks["constable"] > ranks["sergeant"] > ranks["inspector"]
    assert ranks["constable"] / sum(ranks.values()) > 0.6


def test_every_person_joined_before_leaving(demo):
    assert Person.objects.filter(joined_date__isnull=True).count() == 0
    for joined, left in Person.objects.filter(left_date__isnull=False).values_list(
        "joined_date", "left_date"
    ):
        assert joined <= left


def history():  # type: ignore[no-untyped-def]
    """The generated history; the live matters (core/demo/workflow.py, made through the
    workflow with a timeline) are dated from the day the demo is loaded."""
    return Case.objects.filter(events__isnull=True)


def test_cases_of_all_three_types_fall_within_the_demo_period(demo):
    types = dict(history().values_list("case_type").annotate(n=Count("id")))
    assert types["complaint"] > types["conduct_matter"] > types["dsi_matter"] > 0
    assert not history().filter(received_date__lt=DEMO_START).exists()
    assert not history().filter(received_date__gt=DEMO_END).exists()


def test_every_category_and_every_flag_is_used(demo):
    used = set(Allegation.objects.values_list("category_id", flat=True))
    assert used == set(Category.objects.values_list("code", flat=True))
    flags = set(Allegation.flags.through.objects.values_list("flag_id", flat=True))
    assert flags == set(Flag.objects.values_list("code", flat=True))


def test_lettered_categories_only_before_february_2020(demo):
    legacy = Allegation.objects.filter(category__scheme="complaint_legacy")
    modern = Allegation.objects.filter(category__scheme="complaint_2020")
    assert not legacy.filter(case__received_date__gte=CATEGORIES_2020_FROM).exists()
    assert not modern.filter(case__received_date__lt=CATEGORIES_2020_FROM).exists()
    assert (
        not Allegation.objects.filter(category__scheme="conduct_standard")
        .exclude(case__case_type="conduct_matter")
        .exists()
    )


def test_every_allegation_carries_its_categorys_default_flags(demo):
    for allegation in Allegation.objects.prefetch_related("flags", "category__default_flags"):
        defaults = {f.code for f in allegation.category.default_flags.all()}
        assert defaults <= {f.code for f in allegation.flags.all()}


def test_domestic_abuse_is_flagged_on_conduct_matters(demo):
    assert Allegation.objects.filter(
        flags="domestic_abuse", case__case_type="conduct_matter"
    ).exists()


def test_subjects_repeat_across_cases_and_some_are_unidentified(demo):
    cases_per_subject = (
        AllegationSubject.objects.filter(subject__isnull=False)
        .values("subject")
        .annotate(cases=Count("allegation__case", distinct=True))
    )
    repeats = [row["cases"] for row in cases_per_subject if row["cases"] > 1]
    assert len(repeats) >= 10
    assert max(repeats) >= 4  # a long tail
    assert AllegationSubject.objects.filter(subject__isnull=True).exists()
    per_allegation = Allegation.objects.annotate(n=Count("subjects")).values_list("n", flat=True)
    assert {1, 2, 3} <= set(per_allegation)


def test_every_allegation_has_at_least_one_subject_row(demo):
    assert not Allegation.objects.filter(subjects__isnull=True).exists()


def test_outcomes_fit_the_proceedings_that_gave_them(demo):
    closed = AllegationSubject.objects.exclude(outcome="")
    for proceedings, outcome in closed.values_list("proceedings", "outcome").distinct():
        assert outcome in OUTCOMES_OF[proceedings], (proceedings, outcome)
    assert not closed.filter(outcome="reflective_practice").exclude(proceedings="rprp").exists()
    assert closed.filter(proceedings="gross_misconduct_hearing").exists()


def test_no_one_is_sanctioned_after_leaving(demo):
    after_leaving = AllegationSubject.objects.filter(
        subject__left_date__isnull=False, outcome_date__gt=F("subject__left_date")
    )
    outcomes = set(after_leaving.values_list("outcome", flat=True))
    assert not outcomes & {
        "reflective_practice",
        "management_advice",
        "written_warning",
        "final_written_warning",
        "reduction_in_rank",
        "dismissal_without_notice",
    }
    assert AllegationSubject.objects.filter(outcome="would_have_been_dismissed").exists()


def test_outcome_dates_follow_receipt_and_open_matters_have_none(demo):
    subjects = AllegationSubject.objects.select_related("allegation__case").filter(
        allegation__case__in=history()
    )
    for row in subjects.exclude(outcome=""):
        assert row.allegation.case.received_date <= row.outcome_date <= DEMO_END
    open_rows = subjects.filter(outcome="")
    assert open_rows.exists()
    assert not open_rows.filter(outcome_date__isnull=False).exists()
    newest_open = open_rows.order_by("-allegation__case__received_date").first()
    assert newest_open.allegation.case.received_date > DEMO_END - dt.timedelta(days=365)


def test_every_role_has_a_login_scoped_to_its_forces(demo):
    expected = {
        "admin": ("system_admin", {*HEADCOUNTS}),
        "investigator": ("investigator", {"bedfordshire", "cambridgeshire", "hertfordshire"}),
        "authority": ("appropriate_authority", {"cambridgeshire"}),
        "vetting": ("vetting_officer", {"norfolk", "suffolk"}),
        "analyst": ("ccu_analyst", {"bedfordshire", "cambridgeshire", "hertfordshire"}),
        "foi": ("foi_officer", {"cambridgeshire"}),
        "pcc": ("pcc_office", {"cambridgeshire"}),
    }
    for username, (role, forces) in expected.items():
        user = User.objects.get(username=username)
        assert user.role == role
        assert set(user.force_codes()) == forces
        assert user.check_password("candour-demo")
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    assert not User.objects.get(username="investigator").is_staff


def test_the_demo_password_comes_from_the_setting(db, fast_passwords, settings):
    settings.DEMO_PASSWORD = "another-demo-secret"  # CANDOUR_DEMO_PASSWORD
    load_demo(scale=0.02, first_work=False)
    assert User.objects.get(username="foi").check_password("another-demo-secret")


def test_an_existing_account_is_left_as_it_was(db, fast_passwords):
    User.objects.create_user("admin", password="someone-elses-password", role="foi_officer")
    result = load_demo(scale=0.02, first_work=False)
    admin = User.objects.get(username="admin")
    assert admin.role == "foi_officer"
    assert admin.check_password("someone-elses-password")
    assert not next(r for r in result.logins if r.login.username == "admin").password_works


def test_the_investigator_sees_the_joint_psd_cases_and_not_norfolks(demo):
    investigator = User.objects.get(username="investigator")
    visible = Case.objects.visible_to(investigator)
    assert set(visible.values_list("force_id", flat=True)) == {
        "bedfordshire",
        "cambridgeshire",
        "hertfordshire",
    }
    norfolk = Case.objects.filter(force="norfolk")
    assert norfolk.exists()
    assert not visible.filter(pk__in=norfolk).exists()


def test_the_demo_command_refuses_a_bad_port(db):
    with pytest.raises(CommandError) as error:
        call_command("demo", "--no-serve", "--port", "0")
    assert error.value.returncode == 2


@pytest.mark.slow
def test_the_demo_command_loads_the_full_data_set_and_prints_the_logins(
    db, fast_passwords, settings, tmp_path
):
    settings.DATA_DIR = tmp_path  # the demo data wash's files
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    text = out.getvalue()
    assert Allegation.objects.count() >= 5000
    for username in ("admin", "investigator", "authority", "vetting", "analyst", "foi", "pcc"):
        assert f"  {username} | " in text
    assert "http://127.0.0.1:8000/" in text
    assert "First work: " in text and "data-wash candidates to review" in text
    from candour.vetting import services as vetting

    queue = vetting.vetting_queue(User.objects.get(username="vetting"))
    assert queue["overdue"] and queue["due"] and queue["pending_candidates"]
    counts = table_counts()

    out = io.StringIO()
    call_command("demo", "--no-serve", "--port", "8123", stdout=out)
    assert "nothing changed" in out.getvalue()
    assert "http://127.0.0.1:8123/" in out.getvalue()
    assert table_counts() == counts
