"""Police StreetSafe pages: hotspots appear once an area reaches the threshold and never before;
an area's profile, the patrol plan and the actions recorded there."""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

import h3
import pytest
from django.urls import reverse

from candour.core.roles import Role
from candour.streetsafe.cells import centre, finest_cell, parent_of
from candour.streetsafe.models import AreaAction
from candour.streetsafe.tests.planted import CENTRE, cluster, offset, reports, scatter

pytestmark = pytest.mark.django_db

TODAY = dt.date.today()
SPOT = centre(h3.int_to_str(parent_of(finest_cell(*offset(CENTRE, 2, 2)), 8)))
SPOT_CELL = h3.int_to_str(parent_of(finest_cell(*SPOT), 8))


def plant(count: int, seed: int = 1) -> None:
    reports(cluster(random.Random(seed), count, SPOT), day=TODAY - dt.timedelta(days=3))


def test_an_area_appears_once_it_reaches_the_threshold_and_never_before(client, signed_in):
    signed_in(Role.NEIGHBOURHOOD_TEAM, ["norfolk"])
    reports(scatter(random.Random(9), 60), day=TODAY - dt.timedelta(days=10))
    plant(9)
    before = client.get(reverse("streetsafe:police")).content.decode()
    assert SPOT_CELL not in before
    assert (
        client.get(reverse("streetsafe:police_area", args=["norfolk", SPOT_CELL])).status_code
        == 404
    )

    plant(1, seed=2)  # the tenth report
    after = client.get(reverse("streetsafe:police")).content.decode()
    assert SPOT_CELL in after and "Near " in after


def test_the_area_page_shows_reasons_and_time_of_day_and_records_an_action(client, signed_in):
    signed_in(Role.NEIGHBOURHOOD_TEAM, ["norfolk"])
    plant(12)
    url = reverse("streetsafe:police_area", args=["norfolk", SPOT_CELL])
    page = client.get(url).content.decode()
    assert "Poor lighting" in page and "Evening (6pm to midnight)" in page
    assert "No action recorded yet." in page

    done = client.post(url, {"kind": "lighting_fixed", "done_on": TODAY.isoformat()})
    assert done.status_code == 302
    action = AreaAction.objects.get()
    assert (action.area, action.kind, action.done_on) == (SPOT_CELL, "lighting_fixed", TODAY)
    assert "Lighting fixed" in client.get(url).content.decode()
    public = client.get(reverse("streetsafe:said_did", args=["norfolk"])).content.decode()
    assert "Lighting fixed" in public and ": Fixed" in public
    assert str(SPOT[0]) in public, "the public page shows the area's centre"


def test_the_patrol_plan_comes_as_csv_and_pdf(client, signed_in):
    signed_in(Role.NEIGHBOURHOOD_TEAM, ["norfolk"])
    plant(15)
    response = client.get(reverse("streetsafe:patrol_plan", args=["csv"]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert rows[0]["Area (H3 cell)"] == SPOT_CELL and rows[0]["Reports"] == "15"
    assert rows[0]["Busiest time of day"] == "Evening (6pm to midnight)"
    pdf = client.get(reverse("streetsafe:patrol_plan", args=["pdf"]))
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    assert client.get(reverse("streetsafe:patrol_plan", args=["xls"])).status_code == 404


def test_other_roles_and_other_forces_see_no_hotspots(client, signed_in):
    plant(12)
    signed_in(Role.VETTING_OFFICER, ["norfolk"])
    assert client.get(reverse("streetsafe:police")).status_code == 403
    client.logout()
    signed_in(Role.NEIGHBOURHOOD_TEAM, ["suffolk"])
    page = client.get(reverse("streetsafe:police"), {"force": "norfolk"}).content.decode()
    assert SPOT_CELL not in page
    assert (
        client.get(
            reverse("streetsafe:police_area", args=["norfolk", SPOT_CELL]), {"force": "norfolk"}
        ).status_code
        == 404
    )


def test_a_team_without_the_capability_cannot_record_actions(client, signed_in):
    signed_in(Role.PCC_OFFICE, ["norfolk"])
    plant(12)
    url = reverse("streetsafe:police_area", args=["norfolk", SPOT_CELL])
    assert "Record an action" not in client.get(url).content.decode()
    client.post(url, {"kind": "patrol", "done_on": TODAY.isoformat()})
    assert AreaAction.objects.count() == 0
