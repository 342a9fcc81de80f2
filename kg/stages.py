"""The stages of long work, timed, with an optional view: a build's discover, prepare, resolve,
write and outputs; an extraction's read and extract; an export's read and write.

The library reports where it is through a :class:`Stages`: ``with stages.stage("prepare", total=24):``
then ``stages.advance()`` per item (a base module, so every layer can report through it). It keeps
each stage's wall-clock time (``kg build --timings``) and passes the events to a :class:`Watcher` --
the command line's progress bars, or nothing.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Protocol


class Watcher(Protocol):
    def started(self, name: str, total: int | None) -> None: ...

    def advanced(self, amount: int) -> None: ...

    def ended(self, name: str) -> None: ...


@dataclass
class Stages:
    watcher: Watcher | None = None
    times: dict[str, float] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    _current: str | None = None

    @contextlib.contextmanager
    def stage(self, name: str, total: int | None = None) -> Iterator[None]:
        outer, self._current = self._current, name
        began = time.perf_counter()
        if self.watcher is not None:
            self.watcher.started(name, total)
        try:
            yield
        finally:
            self.times[name] = self.times.get(name, 0.0) + time.perf_counter() - began
            if self.watcher is not None:
                self.watcher.ended(name)
            self._current = outer

    def advance(self, amount: int = 1) -> None:
        if self._current is not None:
            self.counts[self._current] = self.counts.get(self._current, 0) + amount
        if self.watcher is not None:
            self.watcher.advanced(amount)

    def report(self) -> list[str]:
        """One line per stage: name, seconds, and how many items it went through."""
        width = max((len(n) for n in self.times), default=0)
        lines = []
        for name, seconds in self.times.items():
            count = self.counts.get(name)
            lines.append(f"{name:<{width}}  {seconds:8.2f} s" + (f"  ({count:,})" if count else ""))
        return lines
