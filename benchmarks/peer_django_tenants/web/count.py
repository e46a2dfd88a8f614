"""The SQL statements one request sends, counted at the driver: ``python -m web.count HOST [HOST ...]``.

Run by ``run.py serve`` once per variant, in a process of its own configured exactly as the
served one (``web.settings``, ``PEER_HTTP_VARIANT``), except that every psycopg2 cursor is a
:class:`CountingCursor` (the connection's ``cursor_factory``): statements django-tenants sends on
a cursor of its own, out of sight of Django's query log, are counted too.

Each host is requested twice, through the WSGI application as gunicorn calls it; the figures are
those of the second round (connection open, everything warm). Prints one line of JSON.
"""

from __future__ import annotations

import io
import json
import os
import sys

import psycopg2.extensions

SENT: list[str] = []


class CountingCursor(psycopg2.extensions.cursor):
    """A psycopg2 cursor that notes every statement it executes in ``SENT``."""

    def execute(self, query, vars=None):
        SENT.append(query.decode() if isinstance(query, bytes) else str(query))
        return super().execute(query, vars)


def get(handler, host: str, path: str) -> tuple[str, bytes]:
    """GET ``path`` with Host ``host`` through the WSGI ``handler``: the status line and the body."""
    environ = {
        "REQUEST_METHOD": "GET",
        "SCRIPT_NAME": "",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": host,
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    status = []
    result = handler(environ, lambda line, headers, exc_info=None: status.append(line))
    try:
        body = b"".join(result)
    finally:
        result.close()  # request_finished, as a WSGI server calls it
    return status[0], body


def main() -> None:
    hosts = sys.argv[1:]
    if not hosts:
        raise SystemExit("usage: python -m web.count HOST [HOST ...]")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "web.settings")
    from django.conf import settings

    settings.DATABASES["default"].setdefault("OPTIONS", {})["cursor_factory"] = CountingCursor
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    for host in hosts:  # first round: connects, warms every cache
        get(handler, host, "/contacts/")
    counts, statuses = [], set()
    example = []
    for host in hosts:
        SENT.clear()
        status, _ = get(handler, host, "/contacts/")
        statuses.add(status)
        counts.append(len(SENT))
        example = example or list(SENT)
    if statuses != {"200 OK"}:
        raise SystemExit(f"web.count: GET /contacts/ answered {sorted(statuses)}, not only 200 OK")
    print(
        json.dumps(
            {
                "variant": settings.VARIANT,
                "requests": len(hosts),
                "statuses": sorted(statuses),
                "statements_per_request": sorted(set(counts)),
                "statements_of_one_request": example,
            }
        )
    )


if __name__ == "__main__":
    main()
