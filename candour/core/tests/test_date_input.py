"""The GOV.UK date input (day, month and year boxes) that every form with a date uses: what it
accepts, and errors that say which part is wrong and highlight only that part."""

import datetime as dt

import pytest
from django import forms

from candour.core.forms import DateInputField, DateProblem, read_date_parts


class WhenForm(forms.Form):
    received = DateInputField(label="Date received", noun="the date received")
    incident = DateInputField(label="When it happened", noun="the date it happened", required=False)


def submitted(**boxes: str) -> WhenForm:
    return WhenForm({"received_day": "20", "received_month": "2", "received_year": "2026", **boxes})


def test_three_boxes_make_a_date() -> None:
    form = submitted()
    assert form.is_valid(), form.errors
    assert form.cleaned_data == {"received": dt.date(2026, 2, 20), "incident": None}


@pytest.mark.parametrize("month", ["March", "mar", "MAR", "3", "03"])
def test_a_month_may_be_a_number_or_a_name(month: str) -> None:
    assert read_date_parts("2", month, "2024") == dt.date(2024, 3, 2)


def test_a_plain_iso_date_from_a_link_is_read_too() -> None:
    form = WhenForm({"received": "2026-02-20"})
    assert form.is_valid() and form.cleaned_data["received"] == dt.date(2026, 2, 20)


@pytest.mark.parametrize(
    ("boxes", "message", "wrong"),
    [
        ({"received_month": ""}, "The date received must include a month.", ("month",)),
        (
            {"received_day": "", "received_month": ""},
            "The date received must include a day and month.",
            ("day", "month"),
        ),
        (
            {"received_year": "26"},
            "The year of the date received must include 4 numbers",
            ("year",),
        ),
        ({"received_month": "13"}, "The date received must be a real date.", ("month",)),
        ({"received_day": "32"}, "The date received must be a real date.", ("day",)),
        ({"received_day": "x"}, "The date received must be a real date.", ("day",)),
        (
            {"received_day": "31", "received_month": "4"},
            "The date received must be a real date.",
            ("day", "month", "year"),
        ),
        (
            {"received_day": "29", "received_month": "2", "received_year": "2025"},
            "The date received must be a real date.",
            ("day", "month", "year"),
        ),
    ],
)
def test_an_error_says_which_part_is_wrong_and_highlights_only_that_part(
    boxes: dict[str, str], message: str, wrong: tuple[str, ...]
) -> None:
    form = submitted(**boxes)
    assert not form.is_valid()
    assert form.errors["received"][0].startswith(message)
    html = str(form["received"])
    highlighted = tuple(
        part
        for index, part in enumerate(("day", "month", "year"))
        if f'id="id_received_{index}" aria-invalid="true"' in html
    )
    assert highlighted == wrong
    assert html.count("govuk-input--error") == len(wrong)


def test_nothing_typed_in_a_required_date_asks_for_it() -> None:
    form = WhenForm({"received_day": "", "received_month": "", "received_year": ""})
    assert form.errors["received"] == ["Enter the date received."]


def test_an_optional_date_left_empty_is_none_and_a_part_of_it_is_an_error() -> None:
    empty = submitted()
    assert empty.is_valid() and empty.cleaned_data["incident"] is None
    form = submitted(incident_day="4", incident_month="", incident_year="")
    assert form.errors["incident"] == ["The date it happened must include a month and year."]


def test_the_boxes_are_labelled_and_keep_what_was_typed() -> None:
    html = str(submitted(received_month="13")["received"])
    for label in ("Day", "Month", "Year"):
        assert f">{label}</label>" in html
    assert 'name="received_day" value="20"' in html and 'value="13"' in html
    assert 'inputmode="numeric"' in html and 'type="date"' not in html


def test_a_field_without_errors_highlights_nothing() -> None:
    assert "govuk-input--error" not in str(submitted()["received"])


def test_a_date_problem_names_its_parts() -> None:
    assert read_date_parts("", "", "") is None
    assert read_date_parts("1", "", "") == DateProblem("missing", ("month", "year"))


@pytest.mark.parametrize(
    ("boxes", "target"),
    [
        ({"received_month": ""}, "id_received_1"),
        ({"received_year": "26"}, "id_received_2"),
        ({"received_day": "31", "received_month": "4"}, "id_received_0"),
    ],
)
def test_the_error_summary_links_to_the_first_box_in_error(
    boxes: dict[str, str], target: str
) -> None:
    from django.template.loader import render_to_string

    form = submitted(**boxes)
    assert not form.is_valid()
    summary = render_to_string("includes/error_summary.html", {"form": form})
    assert f'href="#{target}"' in summary
