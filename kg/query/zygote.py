"""A process that forks query workers on request, so the endpoint can replace a killed one in milliseconds.

A runaway query is stopped by killing its worker, and the endpoint then needs a new one. Started as
``python -m kg.query.worker`` that takes an interpreter start, the imports and the store opened, about
a second of CPU on a busy machine: under a stream of runaway queries the replacements, not the
queries, would hold up everything else. The endpoint's own process has threads, so it must not fork
itself. The zygote is one such subprocess, started once, with nothing but kg's query modules imported
and no threads: it forks a worker for each socket it is handed (``socket.send_fds``) and answers with
the new worker's pid. It reaps its children itself (SIGCHLD ignored); the endpoint kills a worker by
pid (:class:`Forked`). Linux kills the zygote with the endpoint and each worker with the zygote
(``PR_SET_PDEATHSIG``), so a killed endpoint leaves no process behind.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

from kg.errors import StoreError

_PID = struct.Struct("!q")


class Zygote:
    """The forking process for one store's read-only workers (see the module docstring)."""

    def __init__(self, store: Path) -> None:
        ours, theirs = socket.socketpair()
        self.sock = ours
        fd = theirs.fileno()
        self.process = subprocess.Popen([sys.executable, "-m", "kg.query.zygote", str(fd), str(store),
                                         str(os.getpid())], pass_fds=[fd], stdin=subprocess.DEVNULL)
        theirs.close()
        self._lock = threading.Lock()
        self.sock.settimeout(60)
        try:
            ready = self.sock.recv(1)
        except OSError:
            ready = b""
        if ready != b"R":
            self.close()
            raise StoreError("query worker: the process that starts workers did not come up")
        self.sock.settimeout(None)

    def fork(self, fd: int) -> int:
        """A new worker serving the socket ``fd`` (the caller closes its copy); its pid."""
        with self._lock:
            try:
                socket.send_fds(self.sock, [b"F"], [fd])
                data = b""
                while len(data) < _PID.size:
                    chunk = self.sock.recv(_PID.size - len(data))
                    if not chunk:
                        raise OSError("closed")
                    data += chunk
            except OSError:
                raise StoreError("query worker: the process that starts workers has gone") from None
        pid: int = _PID.unpack(data)[0]
        return pid

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(5)


class Forked:
    """A worker the zygote forked: not this process's child, so it is watched and killed by pid."""

    def __init__(self, pid: int) -> None:
        self.pid = pid

    def is_alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # the pid was reused by someone else's process: ours is gone
            return False
        return True

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def join(self, timeout: float) -> None:
        end = time.monotonic() + timeout
        while self.is_alive() and time.monotonic() < end:
            time.sleep(0.002)


def main(argv: list[str]) -> None:
    """``python -m kg.query.zygote FD STORE PARENT_PID``: fork a worker for each socket sent on FD."""
    from multiprocessing.connection import Connection

    from kg.query.messages import StoreSpec
    from kg.query.worker import die_with_parent, serve  # imported before any fork

    die_with_parent(int(argv[2]))
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    control = socket.socket(fileno=int(argv[0]))
    spec = StoreSpec(path=Path(argv[1]))
    control.sendall(b"R")
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(control, 1, 1)
        except OSError:
            os._exit(0)
        if not message or not fds:
            os._exit(0)
        pid = os.fork()
        if pid == 0:
            control.close()
            signal.signal(signal.SIGCHLD, signal.SIG_DFL)
            die_with_parent(os.getppid())
            serve(Connection(fds[0]), spec)  # never returns
        os.close(fds[0])
        control.sendall(_PID.pack(pid))


if __name__ == "__main__":
    main(sys.argv[1:])
