"""Progress bars on stderr for long commands (rich.progress), only where a person is watching.

Shown when stderr is a terminal, unless ``--quiet`` (or ``--no-progress``); ``--progress`` where
stderr is not a terminal (a log file, CI) prints one line per finished stage instead. On a terminal
each stage of the work is one bar with its count, rate and time left; the bars go away when the
command ends, so what stays on the screen is the command's ordinary output, as when it is piped.
"""

from __future__ import annotations

import argparse
import sys
from types import TracebackType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from kg.stages import Stages



def add_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--progress", dest="progress", action="store_const", const=True,
                       help="show progress bars on stderr even when it is not a terminal")
    group.add_argument("--no-progress", "--quiet", "-q", dest="progress", action="store_const", const=False,
                       help="never show progress bars (default: shown when stderr is a terminal)")


def wanted(args: argparse.Namespace) -> bool:
    chosen = getattr(args, "progress", None)
    return bool(chosen) if chosen is not None else sys.stderr.isatty()


class Bars:
    """A :class:`kg.stages.Watcher` drawing one rich progress bar per stage."""

    def __init__(self) -> None:
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
            TimeRemainingColumn,
        )

        console = Console(file=sys.stderr)
        self.progress = Progress(SpinnerColumn(), TextColumn("{task.description:<9}"), BarColumn(),
                                 MofNCompleteColumn(), TextColumn("{task.fields[rate]}"), TimeElapsedColumn(),
                                 TextColumn("eta"), TimeRemainingColumn(), console=console, transient=True)
        self.task: Any = None

    def __enter__(self) -> Bars:
        self.progress.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.progress.stop()

    def started(self, name: str, total: int | None) -> None:
        self.task = self.progress.add_task(name, total=total, rate="")
        self.progress.refresh()  # every stage is drawn at least once, however short

    def advanced(self, amount: int) -> None:
        if self.task is None:
            return
        self.progress.advance(self.task, amount)
        task = self.progress.tasks[-1]
        speed = task.speed
        self.progress.update(self.task, rate=f"{speed:,.1f}/s" if speed else "")

    def ended(self, name: str) -> None:
        if self.task is not None:
            self.progress.refresh()  # with its final count, before it gives way to the next
            self.progress.update(self.task, visible=False)
            self.task = None


class Lines:
    """For ``--progress`` where stderr is not a terminal (a log file, CI): one line per finished stage."""

    def __init__(self) -> None:
        self.began = 0.0
        self.count = 0

    def __enter__(self) -> Lines:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def started(self, name: str, total: int | None) -> None:
        import time

        self.began, self.count = time.perf_counter(), 0

    def advanced(self, amount: int) -> None:
        self.count += amount

    def ended(self, name: str) -> None:
        import time

        seconds = time.perf_counter() - self.began
        rate = f", {self.count / seconds:,.1f}/s" if self.count and seconds > 0 else ""
        done = f" {self.count:,}" if self.count else ""
        print(f"kg: {name}{done} in {seconds:.2f} s{rate}", file=sys.stderr, flush=True)


def stages_for(args: argparse.Namespace) -> tuple[Stages, Bars | Lines | None]:
    from kg.stages import Stages

    watcher: Bars | Lines | None = None
    if wanted(args):
        watcher = Bars() if sys.stderr.isatty() else Lines()
    return Stages(watcher), watcher
