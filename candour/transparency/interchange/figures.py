"""Import published figures (interchange §4): one row per figure another body published,
keyed by (force, source, period_start, period_end, measure, breakdown).

``value`` may be empty only with a ``note`` saying why (e.g. "withheld, s40" or "<5"); an
empty value is "not given", never zero.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.db import transaction

from candour.core.interchange.auditing import record_import
from candour.core.interchange.columns import DateParser, read_rows
from candour.core.interchange.report import ErrorLog, ImportRejected, ImportResult, Progress
from candour.core.models import Force, User
from candour.transparency.models import PublishedFigure

COLUMNS = ("force", "source", "period_start", "period_end", "measure", "breakdown", "value", "note")
REQUIRED = ("force", "source", "period_start", "period_end", "measure")
KEY = ("force_id", "source", "period_start", "period_end", "measure", "breakdown")
LENGTHS: dict[str, int] = {
    name: int(getattr(PublishedFigure._meta.get_field(name), "max_length", 0))
    for name in ("source", "measure", "breakdown")
}


def import_figures(
    path: str | Path,
    *,
    mapping: str | Path | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    user: User | None = None,
    channel: str = "cli",
) -> ImportResult:
    log = ErrorLog()
    source = read_rows(path, COLUMNS, REQUIRED, log, mapping, "figures")
    if log:
        raise ImportRejected(log, sum(1 for _ in source.rows))
    forces = set(Force.objects.values_list("code", flat=True))
    iso = DateParser()
    where = source.where
    figures: dict[tuple[str, ...], tuple[Decimal | None, str]] = {}
    first_row: dict[tuple[str, ...], int] = {}
    rows_read = 0
    for number, values in source.rows:
        rows_read += 1
        before = log.total
        force, source_name, start, end, measure, breakdown, value, note = values
        for column in REQUIRED:
            if values[COLUMNS.index(column)] == "":
                log.add(number, where(column), "is required and is empty.")
        if force and force not in forces:
            log.add(
                number,
                where("force"),
                f"'{force}' is not a force code; see candour/reference/forces.csv.",
            )
        for column, limit in LENGTHS.items():
            text = values[COLUMNS.index(column)]
            if len(text) > limit:  # type: ignore[operator]
                log.add(
                    number, where(column), f"is {len(text)} characters long; at most {limit} fit."
                )
        period = []
        for column, text in (("period_start", start), ("period_end", end)):
            parsed = iso(text) if text else ""
            if parsed is None:
                log.add(number, where(column), f"'{text}' is not a date in the form YYYY-MM-DD.")
            period.append(parsed)
        if period[0] and period[1] and period[1] < period[0]:
            log.add(number, where("period_end"), f"{period[1]} is before period_start {period[0]}.")
        amount = _number(value)
        if value and amount is None:
            log.add(
                number,
                where("value"),
                f"'{value}' is not a number; leave value empty and explain it in note (e.g. '{value}').",
            )
        if not value and not note:
            log.add(
                number,
                where("note"),
                "value is empty, so note must say why (e.g. 'withheld, s40').",
            )
        key: tuple[str, ...] = (
            force,
            source_name,
            period[0] or "",
            period[1] or "",
            measure,
            breakdown,
        )
        if log.total == before and key in first_row:
            log.add(
                number,
                where("measure"),
                f"repeats row {first_row[key]}: the same figure is given twice.",
            )
        if log.total == before:
            first_row[key] = number
            figures[key] = (amount, note)
    if log:
        raise ImportRejected(log, rows_read)

    result = ImportResult(kind="figures", rows_read=rows_read, dry_run=dry_run)
    with transaction.atomic():
        known = {
            tuple(str(v) for v in figure_key): (pk, amount, note)
            for *figure_key, pk, amount, note in PublishedFigure.objects.filter(
                force_id__in={key[0] for key in figures}
            ).values_list(*KEY, "id", "value", "note")
        }
        new, changed = [], []
        for key, (amount, note) in figures.items():
            found = known.get(key)
            if found is None:
                new.append(
                    PublishedFigure(**dict(zip(KEY, key, strict=True)), value=amount, note=note)
                )
                result.created += 1
            elif (found[1], found[2]) != (amount, note):
                changed.append(PublishedFigure(id=found[0], value=amount, note=note))
                result.updated += 1
            else:
                result.unchanged += 1
        if not dry_run:
            PublishedFigure.objects.bulk_create(new, batch_size=1000)
            PublishedFigure.objects.bulk_update(changed, ["value", "note"], batch_size=1000)
            record_import(
                user,
                object_type="transparency.publishedfigure",
                path=Path(path),
                forces={key[0] for key in figures},
                counts=result.as_dict(),
                channel=channel,
            )
    return result


def _number(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        amount = Decimal(text)
        # Stored with four decimal places (PublishedFigure.value); round now so that importing
        # the same file again compares equal.
        return (
            amount.quantize(Decimal("0.0001"))
            if amount.is_finite() and abs(amount) < 10**14
            else None
        )
    except InvalidOperation:
        return None
