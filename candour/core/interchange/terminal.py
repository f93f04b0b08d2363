"""Progress on a terminal (rich) for the long commands (import, export, data wash); nothing
otherwise."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from candour.core.interchange.report import NoProgress, Progress, ProgressStep


class RichProgress:
    def __init__(self, bar: Any) -> None:
        self.bar = bar

    def stage(self, description: str, total: int | None) -> ProgressStep:
        task = self.bar.add_task(description, total=total)

        def advance(done: int) -> None:
            self.bar.advance(task, done)

        return advance


@contextmanager
def terminal_bar(stream: Any) -> Iterator[Any | None]:
    """A rich progress bar on ``stream`` when it is a terminal; None when it is a file or pipe
    (cron, tests), so nothing at all is written there. Every long command shows its bar so."""
    out = getattr(stream, "_out", stream)  # Django's OutputWrapper keeps the real stream in _out
    if not (hasattr(out, "isatty") and out.isatty()):
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
    from rich.progress import Progress as Bar

    with Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(file=out),
        transient=True,
    ) as bar:
        yield bar


@contextmanager
def progress_for(stream: Any) -> Iterator[Progress]:
    """Progress in stages (``Progress``) on a terminal; silence when it is a file or pipe."""
    with terminal_bar(stream) as bar:
        yield NoProgress() if bar is None else RichProgress(bar)
