"""What every benchmark script shares: the database's set-up and tear-down, timing, printing.

A script calls :func:`setup` first. It points Django at ``benchmarks.settings``, creates the
benchmark's own database (on a server: ``CREATE DATABASE tenancy_bench``, through a connection to
the database the ``DATABASE_URL`` names; on SQLite: a temporary file), creates the global tables
(``migrate --run-syncdb``) and arranges for the database to be dropped (or the file deleted) when
the script exits.
"""

from __future__ import annotations

import atexit
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Sequence
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

median = statistics.median


def setup() -> None:
    """Configure Django, create the benchmark database and its global tables."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "benchmarks.settings")
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django
    from django.conf import settings

    db = settings.DATABASES["default"]
    if settings.DATABASE_URL:
        if "postgresql" not in db["ENGINE"]:
            raise SystemExit(f"The benchmarks run on SQLite or PostgreSQL, not {db['ENGINE']}.")
        _drop_server_database()  # a database left over by an interrupted run
        with _server_connection() as cursor:
            cursor.execute(f'CREATE DATABASE "{db["NAME"]}"')
        atexit.register(_drop_server_database)
    else:
        atexit.register(_remove_sqlite_file, db["NAME"])
    django.setup()

    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


class _server_connection:
    """A psycopg2 cursor, in autocommit mode, on the database ``DATABASE_URL`` names."""

    def __enter__(self):
        self.connection = server_connect()
        self.connection.autocommit = True
        return self.connection.cursor()

    def __exit__(self, *exc):
        self.connection.close()


def server_connect(dbname: str | None = None):
    """A new psycopg2 connection to the PostgreSQL server of the settings (default: its admin db)."""
    import psycopg2
    from django.conf import settings

    db = settings.DATABASES["default"]
    params = {
        "dbname": dbname or settings.BENCH_SERVER_DB,
        "user": db.get("USER") or None,
        "password": db.get("PASSWORD") or None,
        "host": db.get("HOST") or None,
        "port": db.get("PORT") or None,
    }
    return psycopg2.connect(**{k: v for k, v in params.items() if v is not None})


def _drop_server_database() -> None:
    from django.conf import settings
    from django.db import connections

    connections.close_all()
    with _server_connection() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{settings.DATABASES["default"]["NAME"]}" WITH (FORCE)')


def _remove_sqlite_file(path: str) -> None:
    from django.db import connections

    connections.close_all()
    for suffix in ("", "-journal", "-wal", "-shm"):
        try:
            os.remove(path + suffix)
        except FileNotFoundError:
            pass


def vendor() -> str:
    from django.db import connection

    return connection.vendor


def describe(script: str, args: Sequence[str] = ()) -> None:
    """Print the command line that reproduces the run, and what it ran on."""
    import django
    from django.conf import settings
    from django.db import connection

    url = settings.DATABASE_URL
    command = " ".join(shlex.quote(part) for part in (sys.executable.rsplit("/", 1)[-1], f"benchmarks/{script}", *args))
    print(f"command:  {'DATABASE_URL=' + shlex.quote(url) + ' ' if url else ''}{command}")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            server = f"PostgreSQL {cursor.fetchone()[0]}"
        driver = type(connection.connection).__module__.split(".")[0]
        database = f"{server} (database {connection.settings_dict['NAME']}, driver {driver})"
    else:
        import sqlite3

        database = f"SQLite {sqlite3.sqlite_version} (file {connection.settings_dict['NAME']})"
    print(f"database: {database}")
    print(
        f"python:   {platform.python_implementation()} {platform.python_version()}, Django {django.__version__}, "
        f"{os.cpu_count()} CPUs, {platform.machine()}"
    )
    print(f"code:     {_revision()}")
    print(f"load:     {_load()} (1, 5 and 15 min averages, at start; other processes skew absolute times)")
    atexit.register(lambda: print(f"load:     {_load()} (at end)"))
    print()


def _revision() -> str:
    """The commit of the working tree, and whether tenancy/ differs from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
        changes = subprocess.run(
            ["git", "status", "--porcelain", "--", "tenancy"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"commit {commit}" + (", with uncommitted changes in tenancy/" if changes else "")


def _load() -> str:
    return " ".join(f"{avg:.2f}" for avg in os.getloadavg())


def interleaved(
    cases: dict[str, str | Callable[[], object]],
    rounds: int,
    number: int,
    namespace: dict | None = None,
    collect_garbage: bool = False,
) -> dict[str, list[float]]:
    """Seconds per execution of each case: ``rounds`` samples each, a sample the mean of ``number`` runs.

    A case is a statement (timed like ``timeit``, in ``namespace``) or a callable. The cases take
    turns within every round, in an order that alternates from one round to the next, so that a
    drift of the machine's speed affects them all alike. Like ``timeit``, it turns the garbage
    collector off while timing, unless ``collect_garbage``.
    """
    setup = "import gc; gc.enable()" if collect_garbage else "pass"
    timers = {
        name: timeit.Timer(stmt, setup, timer=time.perf_counter, globals=namespace) for name, stmt in cases.items()
    }
    samples: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for round_ in range(rounds):
        for name in names if round_ % 2 == 0 else reversed(names):
            samples[name].append(timers[name].timeit(number) / number)
    return samples


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print ``rows`` as a plain-text table: the first column left-aligned, the others right."""
    cells = [[str(cell) for cell in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row):
        pairs = enumerate(zip(row, widths, strict=True))
        padded = (cell.ljust(width) if i == 0 else cell.rjust(width) for i, (cell, width) in pairs)
        return "  ".join(padded).rstrip()

    print(line(cells[0]))
    print("  ".join("-" * w for w in widths))
    for row in cells[1:]:
        print(line(row))
    print()


def ns(seconds: float) -> str:
    return f"{seconds * 1e9:.1f} ns"


def us(seconds: float) -> str:
    return f"{seconds * 1e6:.1f} µs"


def ms(seconds: float) -> str:
    return f"{seconds * 1e3:.2f} ms"


def rss_bytes() -> int:
    """The resident set size of this process, from /proc/self/statm."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"


def run_peer(*args: str) -> dict:
    """Run the django-tenants peer (benchmarks/peer_django_tenants/run.py) on the same server and
    return the JSON object it prints last; its progress goes to stderr as it runs."""
    import json
    import subprocess

    from django.conf import settings

    command = [sys.executable, str(ROOT / "benchmarks" / "peer_django_tenants" / "run.py"), *args]
    command += ["--database-url", settings.DATABASE_URL]
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(output.strip().splitlines()[-1])


# The package setup_with_crm_migrations() writes the CRM app's migrations into.
CRM_MIGRATIONS = f"bench_crm_migrations_{os.getpid()}"


def setup_with_crm_migrations(script: str) -> Path:
    """Set the benchmark up on PostgreSQL with the CRM app's initial migration, written by
    makemigrations into a temporary package; return the folder the package is in."""
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    folder = Path(tempfile.mkdtemp(prefix="tenancy-bench-"))
    (folder / CRM_MIGRATIONS).mkdir()
    (folder / CRM_MIGRATIONS / "__init__.py").write_text("")
    sys.path.insert(0, str(folder))
    os.environ["BENCH_CRM_MIGRATIONS"] = CRM_MIGRATIONS
    setup()
    if vendor() != "postgresql":
        raise SystemExit(f"{script} needs PostgreSQL: set DATABASE_URL=postgres://...")
    describe(script, sys.argv[1:])

    from django.core.management import call_command

    from tenancy.tenant_migrations import classify

    quiet = {"stdout": StringIO(), "stderr": StringIO(), "verbosity": 0}
    call_command("makemigrations", "crm", **quiet)
    call_command("migrate", **quiet)
    classify.latest_tenant_migrations.cache_clear()
    return folder
