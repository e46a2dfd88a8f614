"""Requests through the served project's WSGI application in the benchmark's own process.

What ``bench_http.py`` measures without HTTP: the SQL statements of a request (counted at the
driver), the time a request takes each variant, the time of the view's SQL alone, a cProfile.
A request goes through Django's ``WSGIHandler`` as gunicorn calls it: an environ, the
``start_response`` callable, the response iterated and closed (``request_finished``).
"""

from __future__ import annotations

import cProfile
import io
import pstats
import sys
import threading
import time
from collections.abc import Callable

PATH = "/contacts/"


def wsgi_get(handler, host: str, path: str = PATH) -> tuple[str, bytes]:
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


class variant_settings:
    """A served variant's settings (``httpbench.settings.VARIANTS``) while in the block, which
    gets a WSGI handler built with them."""

    def __init__(self, name: str):
        from django.test.utils import override_settings

        from .settings import VARIANTS

        self.override = override_settings(**VARIANTS[name])

    def __enter__(self):
        from django.core.handlers.wsgi import WSGIHandler

        self.override.enable()
        return WSGIHandler()

    def __exit__(self, *exc):
        self.override.disable()


class StatementLog:
    """Every SQL statement this thread sends on the default connection, noted by the driver.

    While in the block, the connection's ``OPTIONS["cursor_factory"]`` is a subclass of the cursor
    class Django uses (psycopg 3's or psycopg2's) whose ``execute()`` notes the statement, so that
    statements sent on a cursor Django does not wrap are noted too. The connection is closed on
    entry and on exit, so that the next one is made with (then without) it. Statements of other
    threads (tenancy's listener) are not noted.
    """

    def __init__(self):
        self.sent: list[str] = []
        self.thread = threading.get_ident()

    def note(self, query) -> None:
        if threading.get_ident() == self.thread:
            self.sent.append(query.decode() if isinstance(query, bytes) else str(query))

    def cursor_class(self) -> type:
        from django.db.backends.postgresql.psycopg_any import is_psycopg3

        log = self
        if is_psycopg3:
            from django.db.backends.postgresql.base import Cursor

            class CountingCursor(Cursor):
                def execute(self, query, params=None, *args, **kwargs):
                    log.note(query)
                    return super().execute(query, params, *args, **kwargs)

        else:
            import psycopg2.extensions

            class CountingCursor(psycopg2.extensions.cursor):
                def execute(self, query, vars=None):
                    log.note(query)
                    return super().execute(query, vars)

        return CountingCursor

    def __enter__(self):
        from django.db import connection

        connection.close()
        connection.settings_dict.setdefault("OPTIONS", {})["cursor_factory"] = self.cursor_class()
        return self

    def __exit__(self, *exc):
        from django.db import connection

        connection.close()
        del connection.settings_dict["OPTIONS"]["cursor_factory"]

    def during(self, call: Callable[[], object]) -> list[str]:
        """The statements sent while ``call()`` runs."""
        start = len(self.sent)
        call()
        return self.sent[start:]


def count_statements(hosts: list[str]) -> dict:
    """The statements of one request of each variant on a warm process (one count per host), and
    those of a tenancy request on a cold and then a warm lookup cache (the second host's)."""
    from django.db import DEFAULT_DB_ALIAS

    from tenancy import invalidation
    from tenancy.lookup import lookup

    def ok(handler, host):
        status, body = wsgi_get(handler, host)
        if status != "200 OK":
            raise SystemExit(f"GET {PATH} for {host} in process: {status} {body[:200]}")

    result = {}
    with StatementLog() as log:
        with variant_settings("tenancy") as handler:
            ok(handler, hosts[0])
        listener = invalidation.listen(DEFAULT_DB_ALIAS)
        if listener is not None:  # it forgets every tenant once it listens: wait for that first
            listener.listening.wait(10)
        for name in ("plain", "plain per tenant", "tenancy"):
            with variant_settings(name) as handler:
                for host in hosts:  # connects; starts tenancy's listener; fills every cache
                    ok(handler, host)
                result[name] = [len(log.during(lambda h=host: ok(handler, h))) for host in hosts]
                result[f"{name} statements"] = log.during(lambda: ok(handler, hosts[0]))
                if name == "tenancy":
                    lookup.clear()
                    result["cold"] = log.during(lambda: ok(handler, hosts[1]))
                    result["warm"] = log.during(lambda: ok(handler, hosts[1]))
    return result


def time_requests(variants: list[str], hosts: list[str], rounds: int, number: int) -> dict[str, dict[str, list]]:
    """Seconds per request through the WSGI application, wall-clock and CPU of this process, of each
    variant: ``rounds`` samples each, the variants in turns (the order alternating), a sample the
    mean of ``number`` requests over the hosts."""
    samples = {name: {"wall": [], "cpu": []} for name in variants}
    for round_ in range(rounds):
        for name in variants if round_ % 2 == 0 else reversed(variants):
            with variant_settings(name) as handler:
                for host in hosts[:10]:  # the settings change emptied the URL resolvers' cache
                    wsgi_get(handler, host)
                start, cpu = time.perf_counter(), time.process_time()
                for i in range(number):
                    wsgi_get(handler, hosts[i % len(hosts)])
                samples[name]["cpu"].append((time.process_time() - cpu) / number)
                samples[name]["wall"].append((time.perf_counter() - start) / number)
    return samples


def time_sql(plain_query, tenant_queries: list, rounds: int, number: int) -> dict[str, list[float]]:
    """Seconds per execution of the view's SELECT alone (cursor.execute and fetchall): on plain
    Django's one table, and on the tenants' tables in turn, interleaved as ``time_requests``."""
    from django.db import connection

    statements = {
        "plain": [plain_query.query.sql_with_params()],
        "tenancy": [query.query.sql_with_params() for query in tenant_queries],
    }
    samples = {"plain": [], "tenancy": []}
    with connection.cursor() as cursor:
        for round_ in range(rounds):
            for name in ("plain", "tenancy") if round_ % 2 == 0 else ("tenancy", "plain"):
                queries = statements[name]
                start = time.perf_counter()
                for i in range(number):
                    cursor.execute(*queries[i % len(queries)])
                    cursor.fetchall()
                samples[name].append((time.perf_counter() - start) / number)
    return samples


def profile(hosts: list[str], number: int) -> None:
    """Print a cProfile of ``number`` tenancy requests through the WSGI application."""
    with variant_settings("tenancy") as handler:
        for host in hosts:
            wsgi_get(handler, host)
        profiler = cProfile.Profile()
        profiler.enable()
        for i in range(number):
            wsgi_get(handler, hosts[i % len(hosts)])
        profiler.disable()
    stats = pstats.Stats(profiler, stream=sys.stdout)
    print(f"cProfile of {number} tenancy requests through the WSGI application, by internal time:")
    stats.sort_stats("tottime").print_stats(25)
    print("The same by cumulative time, tenancy's functions and Django's request handling:")
    stats.sort_stats("cumulative").print_stats(r"tenancy/|handlers/|urls/|http/request|middleware", 30)
