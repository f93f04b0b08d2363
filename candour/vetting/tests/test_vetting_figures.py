"""Vetting figures (``vetting/figures.py``): counted by the statistics engine from the vetting
source, with the same figures the old ORM counting function gave; small numbers withheld when
disclosure control is asked for."""

import datetime as dt

import pytest

from candour.factories import PersonFactory, force
from candour.transparency.stats import StatsUsageError
from candour.vetting import services
from candour.vetting.figures import vetting_figures

pytestmark = pytest.mark.django_db


class TestVettingCounts:
    def setup_method(self) -> None:
        self.person = PersonFactory()

    def application(self, applied, decision="", decided=None, reason=""):  # type: ignore[no-untyped-def]
        application = services.apply_for_vetting(self.person, "rv", applied_on=applied)
        if decision:
            services.decide_vetting(application, decision, reason=reason, decided_on=decided)
        return application

    def test_applications_and_refusals_by_reason_per_year(self) -> None:
        self.application(dt.date(2022, 2, 1), "granted", dt.date(2022, 3, 1))
        self.application(dt.date(2022, 5, 1), "refused", dt.date(2022, 6, 1), "financial")
        self.application(dt.date(2022, 12, 20), "refused", dt.date(2023, 1, 5), "financial")
        self.application(dt.date(2023, 2, 1), "refused", dt.date(2023, 2, 9), "intelligence")
        self.application(dt.date(2023, 3, 1))
        result = vetting_figures(
            ["cambridgeshire"], dt.date(2022, 1, 1), dt.date(2023, 12, 31), by="year"
        )
        assert result["rows"] == [
            {"period": "2022", "applications": 3, "granted": 1, "refused": 1, "withdrawn": 0},
            {"period": "2023", "applications": 2, "granted": 0, "refused": 2, "withdrawn": 0},
        ]
        assert result["refusals_by_reason"] == [
            {"period": "2022", "reason": "financial", "refused": 1},
            {"period": "2023", "reason": "financial", "refused": 1},
            {"period": "2023", "reason": "intelligence", "refused": 1},
        ]

    def test_financial_years_run_april_to_march(self) -> None:
        self.application(dt.date(2022, 3, 31))
        self.application(dt.date(2022, 4, 1))
        self.application(dt.date(2023, 3, 31))
        result = vetting_figures(
            ["cambridgeshire"], dt.date(2021, 1, 1), dt.date(2024, 1, 1), by="financial_year"
        )
        assert [(r["period"], r["applications"]) for r in result["rows"]] == [
            ("2021/22", 1),
            ("2022/23", 2),
        ]

    def test_counts_by_month_and_level(self) -> None:
        self.application(dt.date(2022, 1, 3))
        self.application(dt.date(2022, 1, 30))
        result = vetting_figures(
            ["cambridgeshire"], dt.date(2022, 1, 1), dt.date(2022, 12, 31), by="month,level"
        )
        assert [(r["period"], r["level"], r["applications"]) for r in result["rows"]] == [
            ("2022-01", "rv", 2)
        ]

    def test_other_forces_and_dates_outside_the_range_are_not_counted(self) -> None:
        self.application(dt.date(2021, 12, 31))
        services.apply_for_vetting(
            PersonFactory(force=force("suffolk")), "rv", applied_on=dt.date(2022, 6, 1)
        )
        result = vetting_figures(["cambridgeshire"], dt.date(2022, 1, 1), dt.date(2022, 12, 31))
        assert result["rows"] == []

    def test_an_unknown_dimension_is_refused_with_a_sentence(self) -> None:
        with pytest.raises(StatsUsageError, match="'colour' is not a dimension of vetting figures"):
            vetting_figures([], dt.date(2022, 1, 1), dt.date(2022, 12, 31), by="year,colour")

    def test_small_numbers_are_withheld_with_secondary_suppression(self) -> None:
        for day in range(1, 7):
            self.application(dt.date(2021, 5, day))
        for day in range(1, 8):
            self.application(dt.date(2022, 5, day))
        self.application(dt.date(2023, 2, 1), "refused", dt.date(2023, 2, 9), "intelligence")
        result = vetting_figures(
            ["cambridgeshire"], dt.date(2021, 1, 1), dt.date(2023, 12, 31), suppress=5
        )
        # 2023's single application is withheld, and so is the next smallest (2021's six), or
        # it could be worked out from the total.
        assert [(r["period"], r["applications"], r["suppressed"]) for r in result["rows"]] == [
            ("2021", None, ["applications"]),
            ("2022", 7, []),
            ("2023", None, ["applications", "refused"]),
        ]
        # One refusal by reason, withheld: never a raw small number.
        assert result["refusals_by_reason"] == [
            {"period": "2023", "reason": "intelligence", "refused": None, "suppressed": True}
        ]
        assert result["suppress"] == 5

    def test_the_figures_move_when_a_decision_is_recorded(self) -> None:
        application = self.application(dt.date(2022, 5, 1))
        before = vetting_figures(["cambridgeshire"], dt.date(2022, 1, 1), dt.date(2022, 12, 31))
        assert before["rows"][0]["granted"] == 0
        services.decide_vetting(application, "granted", decided_on=dt.date(2022, 6, 1))
        after = vetting_figures(["cambridgeshire"], dt.date(2022, 1, 1), dt.date(2022, 12, 31))
        assert after["rows"][0]["granted"] == 1

    def test_a_plain_save_moves_the_figures_too(self) -> None:
        application = self.application(dt.date(2022, 5, 1))
        vetting_figures(["cambridgeshire"], dt.date(2022, 1, 1), dt.date(2022, 12, 31))
        application.decision, application.reason = "withdrawn", "other"
        application.decided_on = dt.date(2022, 7, 1)
        application.save()  # as the admin pages or a shell would: the signal marks the change
        after = vetting_figures(["cambridgeshire"], dt.date(2022, 1, 1), dt.date(2022, 12, 31))
        assert after["rows"][0]["withdrawn"] == 1
