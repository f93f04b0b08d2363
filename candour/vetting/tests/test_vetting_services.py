"""Vetting records: renewal dates from the reference table, decisions, appeals, reviews, the
due list and the counts the transparency engine reads."""

import datetime as dt
import json

import pytest

from candour.core.models import AuditEntry
from candour.factories import PersonFactory, force
from candour.vetting import reference, services
from candour.vetting.models import ApplicationKind, Decision

pytestmark = pytest.mark.django_db

GRANTED_ON = dt.date(2020, 3, 1)


def granted(person, level="rv", on=GRANTED_ON):  # type: ignore[no-untyped-def]
    application = services.apply_for_vetting(person, level, applied_on=on - dt.timedelta(days=30))
    return services.decide_vetting(application, Decision.GRANTED, decided_on=on)


@pytest.mark.parametrize("level", [lvl.code for lvl in reference.LEVELS])
def test_a_grant_expires_after_the_levels_renewal_period(level: str) -> None:
    application = granted(PersonFactory(), level)
    years = reference.LEVELS_BY_CODE[level].renewal_years
    assert application.expires_on == GRANTED_ON.replace(year=GRANTED_ON.year + years)


def test_every_level_cites_a_source_and_says_how_sure_we_are() -> None:
    for level in reference.LEVELS:
        assert level.source and level.renewal_years > 0
        assert level.confirmed in (reference.PRIMARY, reference.SECONDARY, reference.UNCONFIRMED)


def test_the_domains_levels_and_triggers_are_all_in_the_table() -> None:
    assert set(reference.LEVELS_BY_CODE) == {
        "rv",
        "mv",
        "nppv1",
        "nppv2",
        "nppv3",
        "ctc",
        "sc",
        "dv",
    }
    assert {t.code for t in reference.TRIGGERS} >= {
        "periodic",
        "promotion",
        "sensitive_post",
        "new_information",
        "misconduct",
        "randomised",
        "annual_review",
    }


def test_a_clearance_granted_on_29_february_expires_on_28_february() -> None:
    assert reference.level("mv").expiry_after(dt.date(2024, 2, 29)) == dt.date(2031, 2, 28)


def test_recruitment_vetting_lasts_ten_years_and_management_vetting_seven() -> None:
    assert reference.level("rv").renewal_years == 10
    assert reference.level("mv").renewal_years == 7


def test_a_refusal_needs_a_reason_and_gives_no_expiry() -> None:
    application = services.apply_for_vetting(PersonFactory(), "rv")
    with pytest.raises(services.VettingError, match="reason"):
        services.decide_vetting(application, Decision.REFUSED)
    refused = services.decide_vetting(application, Decision.REFUSED, reason="financial")
    assert refused.decision == "refused" and refused.reason == "financial"
    assert refused.expires_on is None


def test_a_grant_with_conditions_must_say_what_they_are() -> None:
    application = services.apply_for_vetting(PersonFactory(), "mv")
    with pytest.raises(services.VettingError, match="conditions"):
        services.decide_vetting(application, Decision.GRANTED_WITH_CONDITIONS)
    decided = services.decide_vetting(
        application, Decision.GRANTED_WITH_CONDITIONS, conditions="Annual financial check."
    )
    assert decided.expires_on is not None


def test_an_application_cannot_be_decided_twice() -> None:
    application = granted(PersonFactory())
    with pytest.raises(services.VettingError, match="already been decided"):
        services.decide_vetting(application, Decision.REFUSED, reason="other")


def test_checks_are_recorded_on_open_applications_only() -> None:
    application = services.apply_for_vetting(PersonFactory(), "rv")
    services.record_check(application, "pnc", "no_trace")
    services.record_check(application, "pnd", "adverse", note="Intelligence report")
    assert [c.check_type for c in application.checks.all()] == ["pnc", "pnd"]
    services.decide_vetting(application, Decision.REFUSED, reason="intelligence")
    with pytest.raises(services.VettingError):
        services.record_check(application, "financial", "no_trace")


def test_an_upheld_appeal_grants_the_clearance_from_the_appeal_decision() -> None:
    application = services.apply_for_vetting(PersonFactory(), "rv")
    services.decide_vetting(application, Decision.REFUSED, reason="associations")
    appeal = services.lodge_appeal(application, "The associate was a cousin I have not seen.")
    with pytest.raises(services.VettingError, match="already waiting"):
        services.lodge_appeal(application, "Again")
    services.decide_appeal(appeal, "upheld", decided_on=dt.date(2023, 6, 1))
    application.refresh_from_db()
    assert application.expires_on == dt.date(2033, 6, 1)


def test_a_dismissed_appeal_leaves_no_clearance() -> None:
    application = services.apply_for_vetting(PersonFactory(), "rv")
    services.decide_vetting(application, Decision.REFUSED, reason="criminal_record")
    appeal = services.lodge_appeal(application, "Spent caution.")
    services.decide_appeal(appeal, "dismissed")
    application.refresh_from_db()
    assert application.expires_on is None
    with pytest.raises(services.VettingError, match="already been decided"):
        services.decide_appeal(appeal, "upheld")


def test_a_grant_cannot_be_appealed() -> None:
    with pytest.raises(services.VettingError, match="Only a refusal"):
        services.lodge_appeal(granted(PersonFactory()), "I want a longer clearance.")


def test_a_review_takes_the_level_of_the_latest_clearance_and_is_not_duplicated() -> None:
    person = PersonFactory()
    granted(person, "mv")
    review = services.open_vetting_review(person, "new_information", source="data wash")
    assert review.level == "mv" and review.kind == ApplicationKind.REVIEW
    assert review.trigger == "new_information" and review.source == "data wash"
    again = services.open_vetting_review(person, "new_information", source="data wash")
    assert again.pk == review.pk
    assert services.open_vetting_review(person, "promotion").pk != review.pk


def test_a_review_of_someone_never_vetted_is_recruitment_vetting() -> None:
    assert services.open_vetting_review(PersonFactory(), "randomised").level == "rv"


def test_an_unknown_trigger_is_refused() -> None:
    with pytest.raises(services.VettingError):
        services.open_vetting_review(PersonFactory(), "horoscope")


def test_changes_are_audited() -> None:
    before = AuditEntry.objects.count()
    application = services.apply_for_vetting(PersonFactory(), "rv")
    services.record_check(application, "pnc", "no_trace")
    services.decide_vetting(application, Decision.GRANTED)
    assert AuditEntry.objects.count() == before + 3
    assert AuditEntry.objects.last().detail == '{"decision":"granted","reason":""}'


class TestVettingDue:
    def test_due_and_overdue_are_read_from_the_expiry_date(self) -> None:
        soon = granted(PersonFactory(), "rv", on=dt.date(2014, 7, 1))  # expires 2024-07-01
        lapsed = granted(PersonFactory(), "mv", on=dt.date(2016, 1, 1))  # expired 2023-01-01
        granted(PersonFactory(), "rv", on=dt.date(2020, 1, 1))  # good until 2030
        due = list(services.vetting_due(["cambridgeshire"], on=dt.date(2024, 5, 1)))
        assert [(a.pk, a.overdue) for a in due] == [(lapsed.pk, True), (soon.pk, False)]

    def test_a_renewed_clearance_is_no_longer_due(self) -> None:
        person = PersonFactory()
        granted(person, "rv", on=dt.date(2010, 1, 1))
        granted(person, "rv", on=dt.date(2020, 1, 1))
        assert not services.vetting_due(["cambridgeshire"], on=dt.date(2021, 1, 1)).exists()

    def test_a_renewal_under_way_takes_it_off_the_due_list(self) -> None:
        person = PersonFactory()
        granted(person, "rv", on=dt.date(2010, 1, 1))
        assert services.vetting_due(["cambridgeshire"], on=dt.date(2020, 2, 1)).exists()
        services.open_vetting_review(person, "periodic", on=dt.date(2020, 2, 1))
        assert not services.vetting_due(["cambridgeshire"], on=dt.date(2020, 2, 1)).exists()

    def test_people_who_have_left_are_not_due(self) -> None:
        granted(PersonFactory(left_date=dt.date(2019, 1, 1)), "rv", on=dt.date(2010, 1, 1))
        assert not services.vetting_due(["cambridgeshire"], on=dt.date(2020, 2, 1)).exists()

    def test_only_the_forces_asked_for_are_listed(self) -> None:
        granted(PersonFactory(force=force("suffolk")), "rv", on=dt.date(2010, 1, 1))
        assert not services.vetting_due(["norfolk"], on=dt.date(2020, 2, 1)).exists()
        assert services.vetting_due(["suffolk"], on=dt.date(2020, 2, 1)).count() == 1


class TestGrantingToALeaver:
    LEFT = dt.date(2016, 5, 31)

    def application(self):  # type: ignore[no-untyped-def]
        person = PersonFactory(left_date=self.LEFT, collar_number="", name="")
        return services.apply_for_vetting(person, "rv", applied_on=dt.date(2024, 1, 1))

    def test_it_is_refused_with_a_warning_that_names_the_leaving_date(self) -> None:
        application = self.application()
        with pytest.raises(services.LeftWorkforce, match="left the workforce on 31 May 2016"):
            services.decide_vetting(application, Decision.GRANTED, decided_on=dt.date(2024, 2, 1))
        application.refresh_from_db()
        assert application.decision == "" and application.expires_on is None

    def test_it_is_refused_with_conditions_too(self) -> None:
        with pytest.raises(services.LeftWorkforce):
            services.decide_vetting(
                self.application(), Decision.GRANTED_WITH_CONDITIONS, conditions="Desk duties"
            )

    def test_it_goes_through_when_confirmed_and_the_audit_says_so(self) -> None:
        application = services.decide_vetting(
            self.application(), Decision.GRANTED, confirm_left_workforce=True
        )
        assert application.decision == "granted" and application.expires_on is not None
        assert json.loads(AuditEntry.objects.last().detail)["confirmed_left_workforce"] is True

    def test_a_refusal_needs_no_confirmation(self) -> None:
        refused = services.decide_vetting(self.application(), Decision.REFUSED, reason="other")
        assert refused.decision == "refused"

    def test_a_grant_dated_before_they_left_needs_no_confirmation(self) -> None:
        application = services.decide_vetting(
            self.application(), Decision.GRANTED, decided_on=dt.date(2015, 1, 1)
        )
        assert application.decision == "granted"

    def test_an_appeal_upheld_for_them_needs_the_confirmation_too(self) -> None:
        application = services.decide_vetting(self.application(), Decision.REFUSED, reason="other")
        appeal = services.lodge_appeal(application, "The record is wrong.")
        with pytest.raises(services.LeftWorkforce, match="31 May 2016"):
            services.decide_appeal(appeal, "upheld")
        appeal.refresh_from_db()
        assert appeal.outcome == "" and application.expires_on is None
        services.decide_appeal(appeal, "upheld", confirm_left_workforce=True)
        application.refresh_from_db()
        assert application.expires_on is not None
        assert json.loads(AuditEntry.objects.last().detail)["confirmed_left_workforce"] is True

    def test_dismissing_their_appeal_needs_no_confirmation(self) -> None:
        application = services.decide_vetting(self.application(), Decision.REFUSED, reason="other")
        appeal = services.decide_appeal(services.lodge_appeal(application, "No."), "dismissed")
        assert appeal.outcome == "dismissed"

    def test_someone_still_serving_gets_no_warning(self) -> None:
        assert services.leaver_warning(PersonFactory(), dt.date(2024, 1, 1)) == ""
        leaving_next_month = PersonFactory(left_date=dt.date(2024, 2, 1))
        assert services.leaver_warning(leaving_next_month, dt.date(2024, 1, 1)) == ""
