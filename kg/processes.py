"""How kg starts worker processes (query workers, source preparation, extraction with --processes),
and how it tells whether a process that left something behind (a lock, a spill folder) still runs.

Fork where it is safe and instant (Linux); spawn elsewhere (macOS, where forking a process that has
system frameworks loaded is not). Every path works under both, and the tests run each under spawn.
"""

from __future__ import annotations

import contextlib
import os
import sys
import types
from collections.abc import Iterator

START_METHOD = "fork" if sys.platform.startswith("linux") else "spawn"


@contextlib.contextmanager
def plain_main() -> Iterator[None]:
    """While spawned workers start: a spawned worker imports the parent's ``__main__`` (re-running a
    caller's script that has no ``if __name__ == "__main__"`` guard, or importing all of kg.cli); with
    a bare stand-in it imports only what its pickled task names."""
    real = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if real is not None:
            sys.modules["__main__"] = real


def alive(pid: int) -> bool:
    """Whether process ``pid`` runs on this machine. Someone else's process (no permission to signal
    it) and a number no process can have count as running: not ours to clean up after."""
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True
    return True
