"""Import published figures (interchange §4): one row per figure another body published,
keyed by (force, source, period_start, period_end, measure, breakdown).

``value`` may be empty only with a ``note`` saying why (e.g. "withheld, s40" or "<5"); an
empty value is "not given", never zero.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from candour.core.interchange.columns import RowChecks
from candour.core.interchange.draft import Layout
from candour.core.interchange.importers import ImportJob, file_importer
from candour.core.interchange.report import ImportResult
from candour.transparency.models import PublishedFigure

COLUMNS = ("force", "source", "period_start", "period_end", "measure", "breakdown", "value", "note")
REQUIRED = ("force", "source", "period_start", "period_end", "measure")
KEY = ("force_id", "source", "period_start", "period_end", "measure", "breakdown")
LENGTHS: dict[str, int] = {
    name: int(getattr(PublishedFigure._meta.get_field(name), "max_length", 0))
    for name in ("source", "measure", "breakdown")
}


def draft_layout() -> Layout:
    """The §4 layout for ``candour mapping draft`` (registered in ``TransparencyConfig.ready``)."""
    from candour.core.models import Force

    return Layout(
        kind="figures",
        columns=COLUMNS,
        required=REQUIRED,
        codes=lambda: {"force": dict(Force.objects.values_list("code", "name"))},
        dates=("period_start", "period_end"),
        names={
            "force": ("force", "police force", "agency", "department"),
            "source": ("source", "publisher", "published by"),
            "period_start": ("period start", "start date", "from", "start"),
            "period_end": ("period end", "end date", "to", "end"),
            "measure": ("measure", "figure", "statistic", "indicator"),
            "breakdown": ("breakdown", "category", "group"),
            "value": ("value", "count", "number", "total"),
            "note": ("note", "notes", "comment"),
        },
    )


@file_importer("figures")
def import_figures(job: ImportJob) -> ImportResult:
    source = job.open(COLUMNS, REQUIRED, tuple(c.removesuffix("_id") for c in KEY))
    check = RowChecks(job.log, source.where)
    where, log = source.where, job.log
    figures: dict[tuple[str, ...], tuple[Decimal | None, str]] = {}
    rows_read = 0
    for number, values in source.rows:
        rows_read += 1
        before = log.total
        force, source_name, start, end, measure, breakdown, value, note = values
        check.required(number, ((column, values[COLUMNS.index(column)]) for column in REQUIRED))
        check.force(number, force)
        for column, limit in LENGTHS.items():
            check.length(number, column, values[COLUMNS.index(column)], limit)
        period = [check.date(number, "period_start", start), check.date(number, "period_end", end)]
        if period[0] and period[1] and period[1] < period[0]:
            log.add(
                number,
                where("period_end"),
                f"{period[1]} is before period_start {period[0]}.",
                problem="is before period_start.",
                value=period[1],
            )
        amount = _number(value)
        if value and amount is None:
            log.add(
                number,
                where("value"),
                f"'{value}' is not a number; leave value empty and explain it in note (e.g. '{value}').",
                problem="is not a number; leave value empty and explain it in note.",
                value=value,
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
        if log.total == before and check.once(
            number, key, "measure", "the same figure is given twice."
        ):
            figures[key] = (amount, note)
    job.refuse_if_any_bad(rows_read)

    result = job.result(rows_read)
    with job.writing():
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
        if not job.dry_run:
            PublishedFigure.objects.bulk_create(new, batch_size=1000)
            PublishedFigure.objects.bulk_update(changed, ["value", "note"], batch_size=1000)
            job.record(
                object_type="transparency.publishedfigure",
                forces={key[0] for key in figures},
                counts=result.as_dict(),
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
