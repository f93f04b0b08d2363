"""The FOI answer as a PDF letter (WeasyPrint), from the figures as saved."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string

from candour.transparency.models import FoiAnswer


def answer_letter(answer: FoiAnswer, shown: dict[str, Any]) -> bytes:
    from weasyprint import HTML

    html = render_to_string("transparency/letter.html", {"answer": answer, **shown})
    return HTML(string=html).write_pdf()
