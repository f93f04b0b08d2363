"""A person's co-accused network: the colleagues accused with them in the same cases, from the
allegation-subject links, and the drawing of it as a small graph (docs/early-warning.md).

Read through ``candour.core.scoping``: only cases the reader may read, only colleagues they may
see. The rule that raises a repeated pairing is ``rules.co_accused_pair``; the graph marks the
pairings that reach its threshold.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings

from candour.cases.models import AllegationSubject, Case
from candour.core import scoping
from candour.core.models import Person, User

# The graph draws the colleagues with most cases in common; the table beside it lists them all.
MOST_DRAWN = 12


@dataclass(frozen=True)
class SharedCase:
    case_id: int
    ref: str
    received: dt.date


@dataclass(frozen=True)
class Colleague:
    person: Person
    cases: tuple[SharedCase, ...]
    repeated: bool  # accused together often enough to raise co_accused_pair


@dataclass(frozen=True)
class Network:
    person: Person
    colleagues: list[Colleague]
    # Pairs of colleagues (by person id) also accused together, with how many cases.
    links: dict[tuple[int, int], int]


def co_accused(user: User, person: Person) -> Network:
    """The colleagues accused with ``person`` in the cases the user may read, most cases in
    common first (every case, whatever its date: the rule looks back a set number of years)."""
    theirs = scoping.visible_to(user, Case).filter(allegations__subjects__subject=person)
    seen = scoping.visible_to(user, Person)
    rows = (
        AllegationSubject.objects.filter(
            allegation__case__in=theirs.values("pk"), subject__in=seen.values("pk")
        )
        .values_list(
            "subject_id",
            "allegation__case_id",
            "allegation__case__ref",
            "allegation__case__received_date",
        )
        .distinct()
    )
    by_case: dict[int, set[int]] = defaultdict(set)
    cases: dict[int, SharedCase] = {}
    for subject_id, case_id, ref, received in rows:
        by_case[case_id].add(subject_id)
        cases[case_id] = SharedCase(case_id, ref, received)
    shared: dict[int, list[SharedCase]] = defaultdict(list)
    links: dict[tuple[int, int], int] = defaultdict(int)
    for case_id, subjects in by_case.items():
        others = sorted(subjects - {person.pk})
        for other in others:
            shared[other].append(cases[case_id])
        for pair in itertools.combinations(others, 2):
            links[pair] += 1
    people = Person.objects.in_bulk(list(shared))
    threshold = settings.WARNING_PAIR_CASES
    colleagues = [
        Colleague(
            person=people[pk],
            cases=tuple(sorted(together, key=lambda case: (case.received, case.ref))),
            repeated=len(together) >= threshold,
        )
        for pk, together in shared.items()
    ]
    colleagues.sort(key=lambda colleague: (-len(colleague.cases), colleague.person.ref))
    return Network(person=person, colleagues=colleagues, links=dict(links))


@dataclass(frozen=True)
class Node:
    x: float
    y: float
    label: str
    repeated: bool

    @property
    def label_y(self) -> float:
        return self.y + 32


@dataclass(frozen=True)
class Edge:
    x1: float
    y1: float
    x2: float
    y2: float
    width: float
    repeated: bool
    title: str


@dataclass(frozen=True)
class Drawing:
    width: int
    height: int
    centre: Node
    nodes: list[Node]
    edges: list[Edge]
    left_out: int


def _together(one: str, other: str, count: int) -> str:
    return f"{one} and {other}: {count} case{'s' if count != 1 else ''} together"


def draw(network: Network, *, width: int = 480, height: int = 360) -> Drawing:
    """Positions for a server-rendered SVG: the person in the middle, the colleagues on a circle
    around them, a line for each pairing as thick as its number of cases."""
    cx, cy = width / 2, height / 2
    radius = min(width, height) / 2 - 50
    drawn = network.colleagues[:MOST_DRAWN]
    centre = Node(cx, cy, network.person.ref, False)
    places: dict[int, Node] = {}
    for index, colleague in enumerate(drawn):
        angle = 2 * math.pi * index / max(len(drawn), 1) - math.pi / 2
        places[colleague.person.pk] = Node(
            round(cx + radius * math.cos(angle), 1),
            round(cy + radius * math.sin(angle), 1),
            colleague.person.ref,
            colleague.repeated,
        )
    edges = []
    for (one, other), count in sorted(network.links.items()):
        if one in places and other in places:
            a, b = places[one], places[other]
            edges.append(
                Edge(a.x, a.y, b.x, b.y, 1 + count, False, _together(a.label, b.label, count))
            )
    for colleague in drawn:
        node = places[colleague.person.pk]
        count = len(colleague.cases)
        edges.append(
            Edge(
                cx,
                cy,
                node.x,
                node.y,
                1 + count,
                colleague.repeated,
                _together(network.person.ref, node.label, count),
            )
        )
    return Drawing(
        width=width,
        height=height,
        centre=centre,
        nodes=list(places.values()),
        edges=edges,
        left_out=len(network.colleagues) - len(drawn),
    )
