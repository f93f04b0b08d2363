"""Import StreetSafe reports (interchange §6, docs/formats.md): one row per report, with the columns
``force, reported_at, latitude, longitude, reasons``.

All-or-nothing: if any row is bad nothing is written and every bad row is named. Reports carry
no reference of their own, so a report is known by everything it says (force, day, time-of-day
band, position, reasons); importing the same file again finds each of its reports already there
and changes nothing, while a file with two identical rows brings in two reports.

``reported_at`` keeps only its day and time-of-day band in the force's local time (the minute
could help single out the person who reported, and the analysis never needs it).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from zoneinfo import ZoneInfo

from django.conf import settings

from candour.core.interchange.columns import RowChecks
from candour.core.interchange.importers import ImportJob, file_importer
from candour.core.interchange.report import ImportResult
from candour.streetsafe.cells import finest_cell
from candour.streetsafe.models import Report, Source
from candour.streetsafe.reasons import BY_CODE, reason_mask, time_of_day

COLUMNS = ("force", "reported_at", "latitude", "longitude", "reasons")
REQUIRED = COLUMNS
Key = tuple[str, dt.date, str, float, float, int]


@file_importer("streetsafe")
def import_streetsafe(job: ImportJob) -> ImportResult:
    source = job.open(COLUMNS, REQUIRED)
    check = RowChecks(job.log, source.where)
    where, log = source.where, job.log
    local = ZoneInfo(settings.TIME_ZONE)
    wanted: Counter[Key] = Counter()
    rows_read = 0
    step = job.progress.stage("Checking reports", None)
    for number, values in source.rows:
        rows_read += 1
        step(1)
        force, reported_at, latitude, longitude, reasons = values
        before = log.total
        check.required(number, zip(COLUMNS, values, strict=True))
        check.force(number, force)
        when = _moment(reported_at, local) if reported_at else None
        if reported_at and when is None:
            log.add(
                number,
                where("reported_at"),
                f"'{reported_at}' is not an ISO 8601 date-time with its offset, "
                "e.g. 2024-03-01T21:30:00+00:00.",
            )
        lat = _degrees(latitude, 90)
        if latitude and lat is None:
            log.add(number, where("latitude"), f"'{latitude}' is not a latitude (-90 to 90).")
        lng = _degrees(longitude, 180)
        if longitude and lng is None:
            log.add(number, where("longitude"), f"'{longitude}' is not a longitude (-180 to 180).")
        codes = [code.strip() for code in reasons.split(";") if code.strip()]
        unknown = [code for code in codes if code not in BY_CODE]
        if unknown:
            log.add(
                number,
                where("reasons"),
                f"{', '.join(repr(c) for c in unknown)} {'is not a reason' if len(unknown) == 1 else 'are not reasons'}; "
                f"use codes from: {', '.join(BY_CODE)}, separated by ';'.",
            )
        elif reasons and not codes:
            log.add(number, where("reasons"), "names no reason; give at least one code.")
        if log.total == before and when is not None and lat is not None and lng is not None:
            wanted[(force, when.date(), time_of_day(when.hour), lat, lng, reason_mask(codes))] += 1
    job.refuse_if_any_bad(rows_read)

    result = job.result(rows_read)
    with job.writing():
        held = Counter(
            Report.objects.filter(source=Source.IMPORT, force_id__in={k[0] for k in wanted})
            .values_list(
                "force_id", "occurred_on", "time_of_day", "latitude", "longitude", "reasons"
            )
            .iterator(chunk_size=20_000)
        )
        new = []
        for key, count in wanted.items():
            missing = count - held.get(key, 0)
            result.unchanged += count - max(missing, 0)
            for _ in range(max(missing, 0)):
                force, day, band, lat, lng, mask = key
                new.append(
                    Report(
                        force_id=force,
                        occurred_on=day,
                        time_of_day=band,
                        latitude=lat,
                        longitude=lng,
                        cell=finest_cell(lat, lng),
                        reasons=mask,
                        source=Source.IMPORT,
                    )
                )
        result.created = len(new)
        if not job.dry_run:
            write = job.progress.stage("Writing reports", len(new))
            for start in range(0, len(new), 5000):
                Report.objects.bulk_create(new[start : start + 5000])
                write(len(new[start : start + 5000]))
            job.record(
                object_type="streetsafe.report",
                forces={key[0] for key in wanted},
                counts=result.as_dict(),
            )
    return result


def _moment(text: str, local: ZoneInfo) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        return None
    return moment.astimezone(local)


def _degrees(text: str, limit: int) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    if not math.isfinite(value) or abs(value) > limit:
        return None
    return round(value, 6)
