"""The public page: no sign-in, no cookie, no free text; the non-map path from search to sent."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from candour.streetsafe.forms import ReportForm
from candour.streetsafe.models import Report

pytestmark = pytest.mark.django_db

YESTERDAY = (dt.date.today() - dt.timedelta(days=1)).isoformat()


def answers(**changes):  # type: ignore[no-untyped-def]
    data = {
        "step": "details",
        "latitude": "52.62783",
        "longitude": "1.29834",
        "place": "Norwich, Norfolk",
        "force": "norfolk",
        "day": YESTERDAY,
        "time_of_day": "evening",
        "place_reasons": ["poor_lighting", "isolated_or_empty"],
        "behaviour_reasons": ["followed"],
        "age_band": "25_34",
        "sex": "female",
        "targeted": "",
        "website": "",
    }
    data.update(changes)
    return data


def test_the_pages_need_no_sign_in_and_set_no_cookie(client):
    for name in ("start", "where", "places", "sent", "said_did_index"):
        response = client.get(reverse(f"streetsafe:{name}"))
        assert response.status_code == 200, name
        assert not response.cookies, f"{name} set a cookie"
    response = client.post(reverse("streetsafe:send"), answers())
    assert response.status_code == 302 and not response.cookies


def test_the_start_page_says_what_is_stored_and_why(client):
    page = client.get(reverse("streetsafe:start")).content.decode()
    assert "What we keep and why" in page
    assert "internet (IP) address" in page and "no cookies" in page
    assert "999" in page and "101" in page


def test_a_person_finds_the_place_by_postcode_or_name_and_sends_a_report(client):
    by_postcode = client.post(reverse("streetsafe:where"), {"q": "nr1 3qu"}).content.decode()
    assert "NR1, postcode district" in by_postcode
    by_name = client.post(reverse("streetsafe:where"), {"q": "Norwich"}).content.decode()
    assert "Norwich, Norfolk" in by_name

    details = client.post(
        reverse("streetsafe:details"), {"choice": "52.62783;1.29834;Norwich, Norfolk"}
    )
    page = details.content.decode()
    assert "What happened" in page
    assert '<option value="norfolk" selected>' in page, "the force is worked out from the place"

    check = client.post(reverse("streetsafe:details"), answers()).content.decode()
    assert (
        "Check your answers" in check
        and "Poor lighting, Isolated or empty, Being followed" in check
    )

    sent = client.post(reverse("streetsafe:send"), answers(), follow=True)
    assert "Report sent" in sent.content.decode()
    report = Report.objects.get()
    assert report.force_id == "norfolk" and report.source == "web"
    assert report.reason_codes() == ["poor_lighting", "isolated_or_empty", "followed"]
    assert (report.latitude, report.longitude) == (52.62783, 1.29834)
    assert (report.age_band, report.sex, report.targeted) == ("25_34", "female", "")


def test_the_day_typed_in_boxes_is_carried_from_the_check_page_to_the_report(client):
    yesterday = dt.date.fromisoformat(YESTERDAY)
    boxes = answers(
        day_day=str(yesterday.day), day_month=str(yesterday.month), day_year=str(yesterday.year)
    )
    del boxes["day"]
    check = client.post(reverse("streetsafe:details"), boxes).content.decode()
    assert f'<input type="hidden" name="day" value="{YESTERDAY}">' in check
    client.post(reverse("streetsafe:send"), answers())  # what the check page sends on
    assert Report.objects.get().occurred_on == yesterday


def test_the_list_of_places_reaches_the_form_without_a_map(client):
    forces = client.get(reverse("streetsafe:places")).content.decode()
    assert reverse("streetsafe:force_places", args=["norfolk"]) in forces
    norfolk = client.get(reverse("streetsafe:force_places", args=["norfolk"])).content.decode()
    assert "Norwich, Norfolk" in norfolk and 'name="choice"' in norfolk


def test_bad_answers_are_sentences_and_nothing_is_sent(client):
    response = client.post(
        reverse("streetsafe:send"),
        answers(place_reasons=[], behaviour_reasons=[], day="2999-01-01", time_of_day=""),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Select at least one reason you felt unsafe" in page
    assert "must be today or in the past" in page
    assert "Choose the time of day." in page
    assert Report.objects.count() == 0
    assert (
        "Enter a postcode" in client.post(reverse("streetsafe:where"), {"q": ""}).content.decode()
    )
    no_place = client.post(reverse("streetsafe:details"), {}).content.decode()
    assert "Choose a place" in no_place


def test_a_map_position_needs_the_map_zoomed_in_to_streets(client):
    far = client.post(
        reverse("streetsafe:details"), {"latitude": "52.6", "longitude": "1.3", "zoom": "8"}
    ).content.decode()
    assert "Zoom the map in until you can see streets" in far
    near = client.post(
        reverse("streetsafe:details"), {"latitude": "52.6", "longitude": "1.3", "zoom": "16"}
    ).content.decode()
    assert "What happened" in near


def test_no_answer_is_free_text():
    for name, field in ReportForm().fields.items():
        if name == "website":  # the honeypot, never stored
            continue
        kind = type(field).__name__
        assert (
            kind
            in {
                "FloatField",
                "ModelChoiceField",
                "DateField",
                "DateInputField",  # day, month and year boxes; a date or an error
                "ChoiceField",
                "MultipleChoiceField",
            }
            or field.widget.is_hidden
        ), f"{name} is {kind}"
    assert ReportForm().fields["place"].widget.is_hidden  # the label of a chosen place, not typed


def test_a_robot_filling_the_honeypot_sees_success_and_nothing_is_kept(client):
    response = client.post(reverse("streetsafe:send"), answers(website="http://spam.example"))
    assert response.status_code == 302 and response["Location"] == reverse("streetsafe:sent")
    assert Report.objects.count() == 0


def test_the_map_places_feed_names_towns_in_a_box(client):
    data = client.get(reverse("streetsafe:map_places"), {"bbox": "52.5,1.1,52.7,1.4"}).json()
    assert "Norwich" in [p["name"] for p in data["places"]]
    assert client.get(reverse("streetsafe:map_places"), {"bbox": "x"}).status_code == 400
