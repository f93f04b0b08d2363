"""Hotspots on planted data: the method finds what was planted, is not fooled by size, and
never publishes a small area or a report's own position."""

from __future__ import annotations

import random

import h3
import pytest

from candour.streetsafe.cells import area_expression, centre, finest_cell, parent_of
from candour.streetsafe.hotspots import HotspotQuery, find_hotspots, gi_star
from candour.streetsafe.models import Report
from candour.streetsafe.tests.planted import CENTRE, cluster, offset, reports, scatter

pytestmark = pytest.mark.django_db


def cell_of(position, resolution=8):  # type: ignore[no-untyped-def]
    """The area a report at ``position`` counts in: its finest cell's ancestor (H3 cells nest
    only nearly, so this can differ from the coarse cell the point lies in, near an edge)."""
    return h3.int_to_str(parent_of(finest_cell(*position), resolution))


def snap(position):  # type: ignore[no-untyped-def]
    """The centre of the area around ``position``: a cluster planted there stays in one area."""
    return centre(cell_of(position))


def test_the_database_works_out_each_report_s_area_as_h3_does():
    rng = random.Random(1)
    reports(scatter(rng, 50))
    for resolution in (5, 8, 10):
        areas = Report.objects.annotate(area=area_expression(resolution)).values_list(
            "latitude", "longitude", "area"
        )
        for lat, lng, area in areas:
            expected = h3.cell_to_parent(h3.latlng_to_cell(lat, lng, 15), resolution)
            assert h3.int_to_str(area) == expected
            assert parent_of(finest_cell(lat, lng), resolution) == area


def test_it_finds_planted_hotspots_among_scattered_reports():
    rng = random.Random(7)
    planted = [snap(offset(CENTRE, 4, -3)), snap(offset(CENTRE, -5, 5)), snap(offset(CENTRE, 1, 6))]
    reports(scatter(rng, 400))
    for place in planted:
        reports(cluster(rng, 25, place))

    result = find_hotspots(HotspotQuery(force="norfolk", min_reports=10))

    found = [area.cell for area in result.areas]
    for place in planted:
        assert cell_of(place) in found
    near_planted = {n for place in planted for n in h3.grid_disk(cell_of(place), 1)}
    assert set(found) <= near_planted, "an area away from every planted hotspot was published"
    assert set(found[:3]) == {cell_of(place) for place in planted}


def test_a_large_evenly_busy_town_does_not_come_before_a_small_true_hotspot():
    rng = random.Random(3)
    town, hotspot = offset(CENTRE, 0, -4), snap(offset(CENTRE, 2, 7))
    reports(scatter(rng, 300))
    reports(scatter(rng, 3000, origin=town, half_km=4))  # about 35 reports in each cell
    reports(cluster(rng, 30, hotspot))

    result = find_hotspots(HotspotQuery(force="norfolk", min_reports=10))

    ranked = [area.cell for area in result.areas]
    assert ranked[0] == cell_of(hotspot)
    town_cells = [a for a in result.areas if a.cell != cell_of(hotspot)]
    assert max(a.reports for a in town_cells) > 30, "the town holds more reports per cell"


def test_no_area_under_min_reports_is_published_and_positions_are_centres():
    rng = random.Random(11)
    reports(scatter(rng, 200))
    spot = snap(offset(CENTRE, 3, 3))
    reports(cluster(rng, 14, spot))
    positions = set(Report.objects.values_list("latitude", "longitude"))

    for k in (10, 14, 15, 40):
        result = find_hotspots(HotspotQuery(force="norfolk", min_reports=k))
        for area in result.areas:
            assert area.reports >= k
            assert (area.latitude, area.longitude) == centre(area.cell)
            assert (area.latitude, area.longitude) not in positions
    assert find_hotspots(HotspotQuery(force="norfolk", min_reports=15)).areas == []
    assert [a.cell for a in find_hotspots(HotspotQuery(force="norfolk")).areas] == [cell_of(spot)]


def test_one_place_with_reports_and_nothing_else_is_still_a_hotspot():
    reports(cluster(random.Random(5), 12, snap(CENTRE)))

    result = find_hotspots(HotspotQuery(force="norfolk"))

    assert [area.cell for area in result.areas] == [cell_of(CENTRE)]


def test_filters_by_period_reason_and_time_of_day():
    import datetime as dt

    rng = random.Random(2)
    spot = snap(offset(CENTRE, -2, 2))
    reports(scatter(rng, 100))
    reports(cluster(rng, 15, spot), reasons=1 << 10, day=dt.date(2023, 6, 1), time_of_day="night")

    def published(**filters):  # type: ignore[no-untyped-def]
        return [a.cell for a in find_hotspots(HotspotQuery(force="norfolk", **filters)).areas]

    assert published() == [cell_of(spot)]
    assert published(reasons=("followed",)) == [cell_of(spot)]
    assert published(reasons=("poor_lighting",)) == []
    assert published(times_of_day=("morning",)) == []
    assert published(start=dt.date(2024, 1, 1)) == []
    assert published(end=dt.date(2023, 12, 31), times_of_day=("night",)) == [cell_of(spot)]


def test_reasons_are_counted_per_area():
    rng = random.Random(4)
    spot = snap(offset(CENTRE, 1, 1))
    reports(cluster(rng, 8, spot), reasons=0b11)  # no_cctv and poor_lighting
    reports(cluster(rng, 4, spot), reasons=1 << 9)  # harassment_group

    [area] = find_hotspots(HotspotQuery(force="norfolk")).areas

    assert area.reports == 12
    assert area.reasons == {"no_cctv": 8, "poor_lighting": 8, "harassment_group": 4}


def test_gi_star_is_highest_where_the_reports_are():
    cells, z = gi_star({h3.str_to_int(cell_of(CENTRE)): 20}, 8)
    assert h3.int_to_str(int(cells[int(z.argmax())])) in h3.grid_disk(cell_of(CENTRE), 1)


def test_gi_star_is_the_same_arithmetic_as_esda_s_g_local():
    """Candour computes Gi* in numpy (esda takes seconds to import); esda is the reference."""
    from esda.getisord import G_Local
    from libpysal.weights import W

    rng = random.Random(8)
    counts: dict[str, int] = {}
    for lat, lng in scatter(rng, 300) + cluster(rng, 40, snap(offset(CENTRE, 2, -2))):
        cell = cell_of((lat, lng))
        counts[cell] = counts.get(cell, 0) + 1

    ints, z = gi_star({h3.str_to_int(cell): n for cell, n in counts.items()}, 8)

    cells = [h3.int_to_str(int(cell)) for cell in ints]
    index = {cell: i for i, cell in enumerate(cells)}
    neighbours = {
        i: [index[n] for n in h3.grid_ring(c, 1) if n in index] for i, c in enumerate(cells)
    }
    y = [counts.get(cell, 0) for cell in cells]
    reference = G_Local(
        y, W(neighbours, silence_warnings=True), transform="B", star=True, permutations=0
    )
    assert abs(z - reference.Zs).max() < 1e-9


def test_the_corrections_and_tails_agree_with_scipy_stats():
    import numpy as np
    from scipy.stats import false_discovery_control, norm, poisson

    from candour.streetsafe.hotspots import false_discovery_rate, one_sided_p, stands_out

    p = np.random.default_rng(3).uniform(size=500) ** 3
    assert abs(false_discovery_rate(p) - false_discovery_control(p, method="bh")).max() < 1e-12
    z = np.linspace(-5, 9, 50)
    assert abs(one_sided_p(z) - norm.sf(z)).max() < 1e-15
    for count, background in ((10, 0.5), (30, 0.05), (60, 0.2), (12, 11.0)):
        expected = -poisson.logsf(count - 1, background) / np.log(10)
        assert abs(stands_out(count, background) - expected) < 1e-6 * max(1, expected)
    # Where scipy's tail underflows to nothing, the ranking still tells places apart.
    assert 600 < stands_out(200, 0.01) < float("inf")
