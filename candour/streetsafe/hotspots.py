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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import h3
import numpy as np
from django.db import connections
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


@dataclass(frozen=True)
class Counts:
    """Reports per cell (H3 integers, sorted), as the database counted them: ``reports[i]``
    reports in ``cells[i]``, ``reasons[i, j]`` of them giving reason ``REASONS[j]``."""

    cells: np.ndarray
    reports: np.ndarray
    reasons: np.ndarray

    def area(self, i: int) -> Area:
        """Cell ``i`` as an area, at its centre (only the areas shown are ever built)."""
        cell = int(self.cells[i])
        latitude, longitude = centre(cell)
        return Area(
            cell=cell_id(cell),
            latitude=latitude,
            longitude=longitude,
            reports=int(self.reports[i]),
            reasons={
                reason.code: int(n) for reason, n in zip(REASONS, self.reasons[i], strict=True) if n
            },
        )


def count(query: HotspotQuery) -> Counts:
    """Reports per cell at the query's resolution, with a count per reason, counted by the
    database (one row per cell with reports, not per report)."""
    names = [f"r{index}" for index in range(len(REASONS))]
    sums = {name: Sum(F("reasons").bitand(1 << index)) for index, name in enumerate(names)}
    counted = (
        query.reports()
        .annotate(area=area_expression(query.resolution))
        .values("area")
        .annotate(total=Count("id"), **sums)
        .order_by()
        .values_list("area", "total", *names)
    )
    # The rows are whole numbers straight from the database: read on the cursor, without the
    # ORM's converters, which took longer than the query itself (docs/benchmarks.md).
    selected = [*counted.query.extra_select, *counted.query.values_select]
    assert [*selected, *counted.query.annotation_select] == ["area", "total", *names]
    sql, params = counted.query.sql_with_params()
    with connections[counted.db].cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    table = np.array(rows, dtype=np.int64).reshape(len(rows), 2 + len(names))
    order = np.argsort(table[:, 0], kind="stable")
    table = table[order]
    return Counts(
        cells=table[:, 0].astype(np.uint64),
        reports=table[:, 1],
        reasons=table[:, 2:] >> np.arange(len(names), dtype=np.int64),
    )


def count_areas(query: HotspotQuery) -> dict[int, Area]:
    """Every cell with reports as an area, keyed by its H3 integer (for the benchmarks)."""
    counted = count(query)
    return {int(cell): counted.area(i) for i, cell in enumerate(counted.cells)}


def find_hotspots(query: HotspotQuery) -> Hotspots:
    start, end = query.start, query.end
    if start is None or end is None:
        span = query.reports().aggregate(first=Min("occurred_on"), last=Max("occurred_on"))
        start, end = start or span["first"], end or span["last"]
    result = Hotspots(query, start, end)
    counted = count(query)
    result.reports = int(counted.reports.sum())
    if not len(counted.cells):
        return result
    cells, z, at = _gi_star(counted.cells, counted.reports, query.resolution)
    result.cells_tested = len(cells)
    q = false_discovery_rate(one_sided_p(z))
    floor = result.reports / len(cells)
    background = np.maximum(ring_means(counted.cells, counted.reports), floor)
    standing = np.array(
        [stands_out(int(n), float(b)) for n, b in zip(counted.reports, background, strict=True)]
    )
    local_p = np.ones(len(cells))
    local_p[at] = [10**-value for value in standing.tolist()]
    local_q = false_discovery_rate(local_p)[at]
    z_at, q_at = z[at], q[at]
    in_cluster = (z_at > 0) & (q_at <= query.alpha)
    chosen = (counted.reports >= query.min_reports) & (in_cluster | (local_q <= query.alpha))
    published = []
    for i in np.flatnonzero(chosen):
        area = counted.area(int(i))
        area.z, area.q = float(z_at[i]), float(q_at[i])
        area.stands_out, area.local_q = float(standing[i]), float(local_q[i])
        published.append(area)
    result.areas = sorted(published, key=lambda area: (-area.stands_out, -area.z, area.cell))
    return result


def margin_rings(resolution: int) -> int:
    spacing = h3.average_hexagon_edge_length(resolution, unit="km") * math.sqrt(3)
    return max(2, min(MAX_MARGIN_RINGS, math.ceil(MARGIN_KM / spacing)))


def _around(cells: Iterable[int], rings: int, ring_only: bool = False) -> list[memoryview]:
    """Each cell's disk (or ring) of ``rings`` steps. h3's memoryview API: a third of the time
    of its numpy one, which makes an array of each small answer."""
    from h3.api import memview_int

    grid = memview_int.grid_ring if ring_only else memview_int.grid_disk
    return [grid(cell, rings) for cell in np.asarray(cells, dtype=np.uint64).tolist()]


def _flat(parts: list[memoryview]) -> tuple[np.ndarray, np.ndarray]:
    """The cells of ``parts`` in one array, and which part each came from."""
    if not parts:
        return np.array([], dtype=np.uint64), np.array([], dtype=np.intp)
    sizes = np.fromiter((len(part) for part in parts), dtype=np.intp, count=len(parts))
    # Joined as bytes: ten times faster than numpy's concatenate of so many small buffers.
    flat = np.frombuffer(b"".join(parts), dtype=np.uint64)
    return flat, np.repeat(np.arange(len(parts)), sizes)


def study_area(cells: Iterable[int], resolution: int, rings: int | None = None) -> np.ndarray:
    """The cells (H3 integers) with reports and every cell within ``MARGIN_KM`` of them, sorted."""
    rings = margin_rings(resolution) if rings is None else rings
    return np.unique(_flat(_around(cells, rings))[0])


def gi_star(counts: Mapping[int, int], resolution: int) -> tuple[np.ndarray, np.ndarray]:
    """Getis-Ord Gi* z-scores for every cell (H3 integer) of the study area around ``counts``
    (cells without reports count 0): binary weights on each cell and its six neighbours, the
    cell itself included, with the analytic mean and variance under randomisation (Getis and
    Ord 1992; Ord and Getis 1995). The same arithmetic as esda's
    ``G_Local(y, w, transform="B", star=True)``, which the tests hold it to; done here in numpy
    because importing esda and libpysal takes longer than the whole count
    (docs/streetsafe.md "How hotspots are found")."""
    cells = np.array(sorted(counts), dtype=np.uint64)
    y = np.array([counts[int(cell)] for cell in cells], dtype=np.int64)
    study, z, _ = _gi_star(cells, y, resolution)
    return study, z


def _gi_star(
    reported: np.ndarray, reports: np.ndarray, resolution: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gi* over the study area around the sorted cells ``reported``: the study area's cells
    (sorted), their z-scores, and where each reported cell is among them.

    Only cells next to a report have a neighbourhood sum above 0, so the sums are spread out
    from the cells with reports; and only cells on the study area's outer edge have fewer
    than seven cells of their neighbourhood inside it, so only those are looked at one by one."""
    rings = margin_rings(resolution)
    inner = study_area(reported, resolution, rings - 1)  # every neighbour of these is inside
    edge = np.setdiff1d(np.unique(_flat(_around(reported, rings, ring_only=True))[0]), inner)
    cells = np.union1d(inner, edge)
    n = len(cells)
    neighbourhoods, owner = _flat(_around(reported, 1))
    sums = np.bincount(
        np.searchsorted(cells, neighbourhoods), weights=reports[owner].astype(float), minlength=n
    )
    cardinality = np.full(n, 7.0)
    around_edge, owner = _flat(_around(edge, 1))
    found = np.minimum(np.searchsorted(cells, around_edge), n - 1)
    inside = cells[found] == around_edge
    cardinality[np.searchsorted(cells, edge)] = np.bincount(
        owner, weights=inside, minlength=len(edge)
    )
    at = np.searchsorted(cells, reported)
    y = np.zeros(n)
    y[at] = reports
    return cells, gi_star_z(y, sums, cardinality), at


def ring_means(reported: np.ndarray, reports: np.ndarray) -> np.ndarray:
    """For each of the sorted cells ``reported``, the mean count of the cells two steps away."""
    ring, owner = _flat(_around(reported, 2, ring_only=True))
    found = np.minimum(np.searchsorted(reported, ring), len(reported) - 1)
    counts = np.where(reported[found] == ring, reports[found], 0)
    sizes = np.bincount(owner, minlength=len(reported))
    return np.bincount(owner, weights=counts.astype(float), minlength=len(reported)) / sizes


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
    """P-values for "more reports than chance" (hot, not cold, spots): 1 - Phi(z), as
    scipy.stats.norm.sf (held to it by a test; scipy itself takes longer to import than the
    whole count takes)."""
    upper = np.frompyfunc(_normal_tail, 1, 1)
    return np.asarray(upper(z), dtype=float)


_MAX_LOG = 709.782712893384  # log of the largest double: beyond it exp(-x^2) underflows


def _normal_tail(z: float) -> float:
    x = z / math.sqrt(2)
    # As scipy (Cephes) does: 0 where the tail is below the smallest normal double, not a
    # subnormal number (so q is printed as 0, as before).
    return 0.0 if x * x > _MAX_LOG and x > 0 else 0.5 * math.erfc(x)


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
    """-log10 P(X >= reports) for X ~ Poisson(background), exact even where it is tiny (as
    scipy.stats.poisson.logsf, which a test holds it to), summed in plain Python arithmetic."""
    if reports <= 0:
        return 0.0
    log_rate = math.log(background)
    if reports > background:
        # P(X >= r) = P(X = r) (1 + b/(r+1) + b^2/((r+1)(r+2)) + ...), the terms falling
        # from the first: summed until they no longer change the total.
        total = term = 1.0
        k = reports
        while term > 1e-17 * total:
            k += 1
            term *= background / k
            total += term
        first = reports * log_rate - background - math.lgamma(reports + 1)
        return -(first + math.log(total)) / math.log(10)
    # At or below the mean, P(X >= r) = 1 - P(X < r) is about a half or more: no precision lost.
    below = math.fsum(
        math.exp(k * log_rate - background - math.lgamma(k + 1)) for k in range(reports)
    )
    return -math.log10(max(1.0 - below, 1e-300))
