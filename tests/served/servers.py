"""The servers the tests run the served project under, and how: gunicorn (WSGI), uvicorn and daphne (ASGI).

Each is run with ``python -m`` from the interpreter running the tests, so that it is the one
installed with them, on 127.0.0.1 and a port of the caller's choosing.
"""

from __future__ import annotations

import http.client
import sys
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Server:
    """A server: its module (what must be installed), its command for a port, and Django's CONN_MAX_AGE under it."""

    module: str
    command: Callable[[int], list[str]]
    # Django's persistent connections, as deployed: kept by gunicorn's threads; none under ASGI, where
    # Django's documentation says to disable them (the thread of each request would keep its own).
    conn_max_age: int = 0


def _gunicorn(port: int) -> list[str]:
    """2 worker processes of 8 threads each: one process serves requests of several tenants at once."""
    from gunicorn.config import Config

    argv = [sys.executable, "-m", "gunicorn", "tests.served.wsgi:application", f"--bind=127.0.0.1:{port}"]
    argv += ["--workers=2", "--worker-class=gthread", "--threads=8", "--log-level=warning"]
    if "control_socket_disable" in Config().settings:  # gunicorn 24+ makes one control socket per user
        argv.append("--no-control-socket")
    return argv


def _uvicorn(port: int) -> list[str]:
    """2 worker processes, each serving many requests at once on its event loop (sync views in threads)."""
    argv = [sys.executable, "-m", "uvicorn", "tests.served.asgi:application", "--host=127.0.0.1", f"--port={port}"]
    return argv + ["--workers=2", "--lifespan=off", "--no-access-log", "--log-level=warning"]


def _daphne(port: int) -> list[str]:
    """One process: Twisted's reactor, sync views in asgiref's threads."""
    return [
        sys.executable,
        "-m",
        "daphne",
        "-b",
        "127.0.0.1",
        "-p",
        str(port),
        "-v",
        "0",
        "tests.served.asgi:application",
    ]


SERVERS = {
    "gunicorn": Server("gunicorn", _gunicorn, conn_max_age=60),
    "uvicorn": Server("uvicorn", _uvicorn),
    "daphne": Server("daphne", _daphne),
}


def is_up(port: int) -> bool:
    """Whether the served project answers at ``port``: its public site's page."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    try:
        connection.request("GET", "/", headers={"Host": "example.com"})
        response = connection.getresponse()
        return response.status == 200 and response.read() == b"up, tenant None"
    except (OSError, http.client.HTTPException):
        return False
    finally:
        connection.close()
