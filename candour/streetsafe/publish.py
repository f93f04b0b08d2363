"""Hotspots as files: the JSON, CSV and GeoJSON of ``candour hotspots`` (interchange §7, docs/formats.md).

Only published areas are written, each at its centre; an area under the query's
``min_reports`` never reaches this module (``hotspots.find_hotspots`` leaves it out).
"""

from __future__ import annotations

import csv
import io
import json

from candour.streetsafe.hotspots import Hotspots
from candour.streetsafe.reasons import REASONS

FORMATS = ("json", "csv", "geojson")


def as_json(result: Hotspots) -> str:
    return json.dumps(
        {
            "force": result.query.force,
            "from": _day(result.start),
            "to": _day(result.end),
            "min_reports": result.query.min_reports,
            "resolution": result.query.resolution,
            "cells": [
                {"rank": rank, **area.as_dict()} for rank, area in enumerate(result.areas, 1)
            ],
        },
        indent=2,
    )


def as_csv(result: Hotspots) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["rank", "cell", "latitude", "longitude", "reports", *(r.code for r in REASONS), "z", "q"]
    )
    for rank, area in enumerate(result.areas, 1):
        row = area.as_dict()
        writer.writerow(
            [
                rank,
                area.cell,
                area.latitude,
                area.longitude,
                area.reports,
                *(area.reasons.get(r.code, 0) for r in REASONS),
                row["z"],
                row["q"],
            ]
        )
    return out.getvalue()


def as_geojson(result: Hotspots) -> str:
    features = []
    for rank, area in enumerate(result.areas, 1):
        properties = {"rank": rank, **area.as_dict()}
        del properties["latitude"], properties["longitude"]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [area.longitude, area.latitude]},
                "properties": properties,
            }
        )
    return json.dumps(
        {
            "type": "FeatureCollection",
            "force": result.query.force,
            "from": _day(result.start),
            "to": _day(result.end),
            "min_reports": result.query.min_reports,
            "resolution": result.query.resolution,
            "features": features,
        },
        indent=2,
    )


WRITERS = {"json": as_json, "csv": as_csv, "geojson": as_geojson}


def _day(day: object) -> str | None:
    return day.isoformat() if day is not None else None  # type: ignore[attr-defined]
