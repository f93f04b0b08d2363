"""Hotspots: the areas where significantly more people felt unsafe than elsewhere in a force.

The method (docs/streetsafe.md "How hotspots are found"), in readable steps:

1. **count**: the database counts the force's reports in the period by H3 cell, with a count per
   reason (``count_areas``);
2. **study area**: every cell within ``MARGIN_KM`` of a cell with a report, so the empty streets
   around the places people report from are part of the comparison;
3. **test**: Getis-Ord Gi* (analytic z-scores as esda computes them, binary weights on each cell
   and its six neighbours) asks whether a cell and its neighbours hold more reports than chance would put
   there; the one-sided p-values are corrected for the number of cells tested with the
   Benjamini-Hochberg false discovery rate (``ALPHA``). Analytic p-values are used because
   permutation p-values cannot fall below 1/(permutations + 1), which an FDR correction over
   thousands of cells can leave with no cell at all;
4. **stand out**: Gi* compares every cell with the force's average, so a large busy town raises
   that average and can hide a small place beside it where far more people felt unsafe than
   around it. So each cell with reports is also tested against its own surroundings: how
   unlikely its count is (Poisson) if it were as busy as the ring of cells two steps away, or
   as the study area on average where that is busier; corrected with the same false discovery
   rate;
5. **publish** a cell that is significant by either test, only when it holds at least
   ``min_reports`` reports itself, and only as its centre, never a report's own position;
6. **rank** by how far the cell stands out from its surroundings (step 4), so a large, evenly
   busy town centre does not come before a small place that stands out, however many reports
   the town holds in all.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import h3
import numpy as np
from django.db.models import Count, F, Max, Min, QuerySet, Sum

from candour.streetsafe.cells import DEFAULT_RESOLUTION, area_expression, cell_id, centre
from candour.streetsafe.models import Report
from candour.streetsafe.reasons import REASONS, reason_mask

DEFAULT_MIN_REPORTS = 10
ALPHA = 0.05
MARGIN_KM = 4.0
MAX_MARGIN_RINGS = 10


@dataclass(frozen=True)
class HotspotQuery:
    force: str
    start: dt.date | None = None
    end: dt.date | None = None
    min_reports: int = DEFAULT_MIN_REPORTS
    resolution: int = DEFAULT_RESOLUTION
    reasons: tuple[str, ...] = ()  # reports giving any of these reasons; () means all
    times_of_day: tuple[str, ...] = ()  # () means any time of day
    alpha: float = ALPHA

    def reports(self) -> QuerySet[Report]:
        reports = Report.objects.filter(force_id=self.force)
        if self.start:
            reports = reports.filter(occurred_on__gte=self.start)
        if self.end:
            reports = reports.filter(occurred_on__lte=self.end)
        if self.times_of_day:
            reports = reports.filter(time_of_day__in=self.times_of_day)
        if self.reasons:
            reports = reports.alias(chosen=F("reasons").bitand(reason_mask(self.reasons))).filter(
                chosen__gt=0
            )
        return reports


@dataclass
class Area:
    cell: str
    latitude: float  # the area's centre
    longitude: float
    reports: int
    reasons: dict[str, int]
    z: float = 0.0
    q: float = 1.0  # the p-value after the false discovery rate correction
    stands_out: float = 0.0  # -log10 of the chance of so many reports at the surroundings' rate
    local_q: float = 1.0  # that chance after the false discovery rate correction

    def as_dict(self) -> dict[str, object]:
        return {
            "cell": self.cell,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "reports": self.reports,
            "reasons": self.reasons,
            "z": round(self.z, 3),
            "q": float(f"{self.q:.3g}"),
            "local_q": float(f"{self.local_q:.3g}"),
        }


@dataclass
class Hotspots:
    query: HotspotQuery
    start: dt.date | None
    end: dt.date | None
    areas: list[Area] = field(default_factory=list)  # published, best first
    reports: int = 0  # reports counted (all areas, published or not)
    cells_tested: int = 0


def count_areas(query: HotspotQuery) -> dict[int, Area]:
    """Reports per cell at the query's resolution, counted by the database."""
    bits = [(reason.code, 1 << index) for index, reason in enumerate(REASONS)]
    sums = {f"r{index}": Sum(F("reasons").bitand(bit)) for index, (_, bit) in enumerate(bits)}
    rows: Iterable[dict[str, Any]] = (
        query.reports()  # type: ignore[assignment]
        .annotate(area=area_expression(query.resolution))
        .values("area")
        .annotate(total=Count("id"), **sums)
        .order_by()
    )
    areas = {}
    for row in rows:
        cell = int(row["area"])
        latitude, longitude = centre(cell)
        reasons = {
            code: int(row[f"r{index}"] or 0) // bit for index, (code, bit) in enumerate(bits)
        }
        areas[cell] = Area(
            cell=cell_id(cell),
            latitude=latitude,
            longitude=longitude,
            reports=row["total"],
            reasons={code: n for code, n in reasons.items() if n},
        )
    return areas


def find_hotspots(query: HotspotQuery) -> Hotspots:
    span = query.reports().aggregate(first=Min("occurred_on"), last=Max("occurred_on"))
    result = Hotspots(query, query.start or span["first"], query.end or span["last"])
    counted = count_areas(query)
    result.reports = sum(area.reports for area in counted.values())
    if not counted:
        return result
    counts = {cell: area.reports for cell, area in counted.items()}
    cells, z = gi_star(counts, query.resolution)
    result.cells_tested = len(cells)
    q = false_discovery_rate(one_sided_p(z))
    position = {int(cell): i for i, cell in enumerate(cells)}
    floor = result.reports / len(cells)
    local_p = np.ones(len(cells))
    for cell, area in counted.items():
        i = position[cell]
        area.z, area.q = float(z[i]), float(q[i])
        background = max(_ring_mean(cell, counts), floor)
        area.stands_out = stands_out(area.reports, background)
        local_p[i] = 10 ** (-area.stands_out)
    local_q = false_discovery_rate(local_p)
    published = []
    for cell, area in counted.items():
        in_cluster = area.z > 0 and area.q <= query.alpha
        area.local_q = float(local_q[position[cell]])
        if area.reports >= query.min_reports and (in_cluster or area.local_q <= query.alpha):
            published.append(area)
    result.areas = sorted(published, key=lambda area: (-area.stands_out, -area.z, area.cell))
    return result


def margin_rings(resolution: int) -> int:
    spacing = h3.average_hexagon_edge_length(resolution, unit="km") * math.sqrt(3)
    return max(2, min(MAX_MARGIN_RINGS, math.ceil(MARGIN_KM / spacing)))


def study_area(cells: Iterable[int], resolution: int, rings: int | None = None) -> np.ndarray:
    """The cells (H3 integers) with reports and every cell within ``MARGIN_KM`` of them, sorted."""
    from h3.api import numpy_int

    rings = margin_rings(resolution) if rings is None else rings
    disks = [numpy_int.grid_disk(cell, rings) for cell in cells]
    return np.unique(np.concatenate(disks)) if disks else np.array([], dtype=np.uint64)


def gi_star(counts: dict[int, int], resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """Getis-Ord Gi* z-scores for every cell (H3 integer) of the study area around ``counts``
    (cells without reports count 0): binary weights on each cell and its six neighbours, the
    cell itself included, with the analytic mean and variance under randomisation (Getis and
    Ord 1992; Ord and Getis 1995). The same arithmetic as esda's
    ``G_Local(y, w, transform="B", star=True)``, which the tests hold it to; done here in numpy
    because importing esda and libpysal takes longer than the whole count
    (docs/streetsafe.md "How hotspots are found").

    Only cells next to a report have a neighbourhood sum above 0, so the sums are spread out
    from the cells with reports; and only cells on the study area's outer edge have fewer
    than seven cells of their neighbourhood inside it, so only those are looked at one by one."""
    from h3.api import numpy_int

    rings = margin_rings(resolution)
    inner = study_area(counts, resolution, rings - 1)  # every neighbour of these is inside
    edge = np.setdiff1d(
        np.unique(np.concatenate([numpy_int.grid_ring(c, rings) for c in counts])), inner
    )
    cells = np.union1d(inner, edge)
    n = len(cells)

    def positions(values: np.ndarray) -> np.ndarray:
        return np.searchsorted(cells, values)

    sums = np.zeros(n)
    for cell, count in counts.items():
        np.add.at(sums, positions(numpy_int.grid_disk(cell, 1)), count)
    cardinality = np.full(n, 7.0)
    for cell in edge:
        disk = numpy_int.grid_disk(int(cell), 1)
        found = positions(disk)
        inside = (found < n) & (cells[np.minimum(found, n - 1)] == disk)
        cardinality[positions(np.array([cell], dtype=np.uint64))] = inside.sum()
    y = np.zeros(n)
    y[positions(np.array(list(counts), dtype=np.uint64))] = list(counts.values())
    return cells, gi_star_z(y, sums, cardinality)


def gi_star_z(y: np.ndarray, sums: np.ndarray, cardinality: np.ndarray) -> np.ndarray:
    """Gi* z-scores from the values ``y``, each cell's neighbourhood sum (itself included) and
    how many cells its neighbourhood has."""
    n = len(y)
    mean = y.sum() / n
    variance = (y**2).sum() / n - mean**2
    if n < 2 or mean == 0 or variance <= 0:
        return np.zeros(n)
    statistic = sums / y.sum()
    expected = cardinality / n
    spread = cardinality * (n - cardinality) / (n - 1) / n**2 * variance / mean**2
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (statistic - expected) / np.sqrt(spread)
    return np.nan_to_num(z, nan=0.0, posinf=0.0, neginf=0.0)


def one_sided_p(z: np.ndarray) -> np.ndarray:
    """P-values for "more reports than chance" (hot, not cold, spots): 1 - Phi(z)."""
    from scipy.special import ndtr

    return ndtr(-z)


def false_discovery_rate(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values (q): a cell is a discovery at level alpha when
    q <= alpha (Benjamini and Hochberg 1995; as scipy's false_discovery_control, method "bh")."""
    m = len(p)
    if m == 0:
        return p
    order = np.argsort(p)
    scaled = p[order] * m / np.arange(1, m + 1)
    adjusted = np.minimum.accumulate(scaled[::-1])[::-1]
    q = np.empty(m)
    q[order] = np.clip(adjusted, 0, 1)
    return q


def stands_out(reports: int, background: float) -> float:
    """-log10 P(X >= reports) for X ~ Poisson(background), exact even where it is tiny."""
    from scipy.special import gammaln, pdtrc

    if reports <= 0:
        return 0.0
    tail = float(pdtrc(reports - 1, background))
    if tail > 1e-300:
        return -math.log10(tail)
    # Far out in the tail: sum the terms P(X = k), k >= reports, in logarithms.
    k = np.arange(reports, reports + 200)
    logs = k * math.log(background) - background - gammaln(k + 1)
    top = logs.max()
    return float(-(top + math.log(np.exp(logs - top).sum())) / math.log(10))


def _ring_mean(cell: int, counts: dict[int, int]) -> float:
    from h3.api import basic_int

    ring = basic_int.grid_ring(cell, 2)
    return sum(counts.get(c, 0) for c in ring) / len(ring)
