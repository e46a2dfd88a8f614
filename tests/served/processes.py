"""Starting the servers of the tests (gunicorn, uvicorn, pgbouncer) as subprocesses, and stopping them.

Each runs in a session of its own, so that it and its workers are stopped together, by the id of
the process group started here, whatever happened in the test (:func:`running` stops them in a
``finally``). Their output goes to a temporary file, shown when one fails to start.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # the checkout: `tests` is importable from there


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class ServerFailed(RuntimeError):
    """A server exited, or did not answer in time; the message ends with its output."""


class Process:
    """A server started as a subprocess in a session of its own, its output kept in a file."""

    def __init__(self, name: str, argv: list[str], env: dict[str, str]):
        self.name, self.argv = name, argv
        self.log = tempfile.NamedTemporaryFile(prefix=f"tenancy-{name}-", suffix=".log", delete=False)
        self.popen = subprocess.Popen(
            argv,
            env=env,
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def output(self) -> str:
        return Path(self.log.name).read_text(errors="replace")

    def failure(self, reason: str) -> ServerFailed:
        return ServerFailed(f"{self.name} {reason}: {' '.join(self.argv)}\n--- its output ---\n{self.output()}")

    def wait_until(self, ready: Callable[[], bool], timeout: float) -> None:
        """Return once ``ready()`` is true; raise ServerFailed if the process exits or time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            if self.popen.poll() is not None:
                raise self.failure(f"exited with status {self.popen.returncode}")
            if ready():
                return
            if time.monotonic() > deadline:
                raise self.failure(f"did not answer within {timeout:.0f} s")
            time.sleep(0.05)

    def stop(self, grace: float = 10) -> None:
        """Stop the process and its workers: SIGTERM to its process group, then SIGKILL to what is left."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(self.popen.pid, sig)  # the group of the session started for it has its pid
            except ProcessLookupError:
                break
            try:
                self.popen.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        self.log.close()
        os.unlink(self.log.name)


@contextmanager
def running(name: str, argv: list[str], env: dict[str, str], ready: Callable[[], bool], timeout: float = 30):
    """Start ``argv``, wait until ``ready()``, and stop it when the block ends, however it ends."""
    process = Process(name, argv, env)
    try:
        process.wait_until(ready, timeout)
        yield process
    finally:
        process.stop()


def accepts(port: int) -> bool:
    """Whether something accepts TCP connections on 127.0.0.1:``port``."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False
