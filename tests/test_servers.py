"""Real servers: gunicorn (WSGI, threads), uvicorn and daphne (ASGI), and pgbouncer in transaction mode.

The project of tests/served (sync and async views over tests/shop's tenant models, routed by
subdomain) is served from a database of its own, with 50 tenants that each have seeded rows
marked with their name. Hundreds of concurrent requests per server (thousands in all),
interleaved across the tenants and the views, must all be answered with a 200 for the tenant
asked, and carry no other tenant's row; the tables, read back with plain SQL, must hold only
their own tenant's rows, each written row exactly once. On PostgreSQL, the same again through
pgbouncer in transaction mode, where server connections are shared between tenants from one
transaction to the next: the case where libraries that switch tenants with ``SET search_path``
break, as the last test shows.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.served import load
from tests.served import pgbouncer as bouncer
from tests.served.databases import Database, new_database
from tests.served.prepare import seed_labels, tenant_names
from tests.served.processes import ROOT, Process, free_port, running
from tests.served.servers import SERVERS, is_up

BACKEND = os.environ.get("TENANCY_TEST_BACKEND", "sqlite")
TENANTS = 50
SEEDS = seed_labels(3)  # the labels of the rows tests.served.prepare gives each tenant
# Requests per run of a server (TENANCY_SERVED_REQUESTS for more); daphne, the second ASGI server, gets fewer.
REQUESTS = int(os.environ.get("TENANCY_SERVED_REQUESTS", "800"))
SHARE = {"gunicorn": 1, "uvicorn": 1, "daphne": 0.25}
POOLED = ("gunicorn", "uvicorn")  # one WSGI and one ASGI server through pgbouncer
LISTENER_NAME = "tenancy-served-listener"  # the application_name of SERVED_DIRECT_DATABASE_URL's connections
CLIENTS = 16  # requests in flight at once

pytestmark = pytest.mark.skipif(
    BACKEND not in ("sqlite", "postgresql"), reason=f"the served project runs on SQLite and PostgreSQL, not {BACKEND}"
)
postgresql_only = pytest.mark.skipif(BACKEND != "postgresql", reason="pgbouncer pools PostgreSQL connections")


@dataclass(frozen=True)
class Served:
    """The served project's database, ready: its tenants have their seeded rows."""

    database: Database
    tenants: list[str]


def server_url() -> str:
    """The PostgreSQL server the suite tests against, as tests/settings.py finds it."""
    from tests.settings import _DEFAULT_URLS

    return os.environ.get("DATABASE_URL") or _DEFAULT_URLS["postgresql"]


def environment(database: Database, direct: Database | None = None, conn_max_age: int = 0) -> dict[str, str]:
    """The environment of the served project's processes (see tests/served/settings.py)."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.served.settings", "SERVED_DATABASE_URL": database.url}
    env["SERVED_CONN_MAX_AGE"] = str(conn_max_age)
    env.pop("SERVED_DIRECT_DATABASE_URL", None)
    if direct is not None:
        env["SERVED_DIRECT_DATABASE_URL"] = f"{direct.url}?application_name={LISTENER_NAME}"
    return env


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """A new database, migrated, with the tenants and their seeded rows, committed (the servers are other
    processes); dropped at the end of the module."""
    with new_database(BACKEND, server_url()) as database:
        prepare = [sys.executable, "-m", "tests.served.prepare", str(TENANTS), str(len(SEEDS))]
        completed = subprocess.run(
            prepare, env=environment(database), cwd=ROOT, capture_output=True, text=True, timeout=120
        )
        assert completed.returncode == 0, completed.stderr
        tenants = json.loads(completed.stdout)
        assert tenants == tenant_names(TENANTS)
        yield Served(database, tenants)


def answers(database: Database) -> bool:
    """Whether ``database`` can be queried (through a pooler that has started, say)."""
    try:
        return database.query("SELECT 1") == [(1,)]
    except Exception:
        return False


@pytest.fixture(scope="module")
def pgbouncer(served: Served) -> Iterator[Database]:
    """pgbouncer in transaction mode in front of the served database: the database as reached through it."""
    if bouncer.executable() is None:
        pytest.skip("pgbouncer is not installed (Debian: apt-get install pgbouncer)")
    directory = Path(tempfile.mkdtemp(prefix="tenancy-pgbouncer-"))
    try:
        port = free_port()
        ini = bouncer.write_config(directory, port, served.database)
        pooled = served.database.elsewhere("127.0.0.1", port)
        with running("pgbouncer", bouncer.command(ini), dict(os.environ), ready=lambda: answers(pooled)):
            yield pooled
    finally:
        shutil.rmtree(directory)


@contextmanager
def serving(server: str, database: Database, direct: Database | None = None) -> Iterator[tuple[int, Process]]:
    """``server`` serving the project from ``database`` (a pooler's address when ``direct`` is given): its
    port and process."""
    spec = SERVERS[server]
    if importlib.util.find_spec(spec.module) is None:
        pytest.skip(f"{server} is not installed (pip install -e '.[test]')")
    port = free_port()
    env = environment(database, direct, spec.conn_max_age)
    with running(server, spec.command(port), env, ready=lambda: is_up(port)) as process:
        yield port, process


def run_load(served: Served, server: str, run: str, database: Database, direct: Database | None = None, probe=None):
    """Serve, fire the load at the server, check the replies and the tables.

    Returns the replies, and what ``probe()`` returned when called after the load, the server still up.
    """
    count = round(REQUESTS * SHARE[server])
    calls = load.plan(served.tenants, count, run)
    with serving(server, database, direct) as (port, process):
        replies = load.fire(port, calls, CLIENTS)
        probed = probe() if probe else None
        output = process.output()
    found = load.problems(replies, SEEDS)
    summary = f"{len(found)} problems, the first ones:\n" + "\n".join(found[:20])
    summary += f"\n--- the end of {server}'s output ---\n{output[-3000:]}"
    assert len(replies) == count
    assert load.cross_tenant_rows(replies) == 0, summary
    assert load.statuses(replies) == {200: count}, summary
    assert found == [], summary
    check_tables(served, calls, run)
    return replies, probed


def check_tables(served: Served, calls: list[load.Call], run: str) -> None:
    """Every tenant's table, read with plain SQL, holds its own rows only, and each row of ``run`` once."""
    expected = defaultdict(list)
    for call in calls:
        for tenant, name in call.rows_written().items():
            expected[tenant].append(name)
    for tenant in served.tenants:
        names = served.database.product_names(tenant)
        assert load.foreign_rows(tenant, names) == [], tenant
        assert sorted(name for name in names if name.startswith(f"{tenant}/{run}-")) == sorted(expected[tenant])


# --- the tests ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("server", SERVERS)
def test_concurrent_requests_to_50_tenants_get_only_their_own_rows(served, server):
    replies, _ = run_load(served, server, f"{server}-direct", served.database)
    assert {reply.call.tenant for reply in replies} == set(served.tenants)
    assert {reply.call.view for reply in replies} == set(load.VIEWS)


@postgresql_only
@pytest.mark.parametrize("server", POOLED)
def test_the_same_through_pgbouncer_in_transaction_mode(served, pgbouncer, server):
    def listeners():
        """The sessions listening for tenant changes on direct connections, as tests/served/settings.py asks."""
        sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND application_name = %s AND query = %s"
        return served.database.query(sql, (served.database.name, LISTENER_NAME, "LISTEN tenancy_routing"))[0][0]

    replies, listening = run_load(served, server, f"{server}-pooled", pgbouncer, served.database, listeners)
    assert listening >= 1  # LISTEN cannot work through the pooler: each server process listens directly
    # The transactions ran on the pooler's few server connections, each one serving many tenants.
    tenants_of = defaultdict(set)
    for reply in replies:
        if reply.body.get("backend") is not None:
            tenants_of[reply.body["backend"]].add(reply.call.tenant)
    assert 1 <= len(tenants_of) <= bouncer.POOL_SIZE
    assert max(len(tenants) for tenants in tenants_of.values()) > 1


@postgresql_only
def test_search_path_set_by_one_client_is_what_the_next_one_gets_through_the_pooler(served, pgbouncer):
    """The failure of search_path-based tenancy behind a transaction pooler, shown with two plain clients.

    Each client sets its tenant's schema on what it thinks is its session; with one server
    connection in the pool, both are the same session, and the first reads the second's tenant.
    """
    single = pgbouncer.elsewhere(pgbouncer.host, pgbouncer.port, f"{pgbouncer.name}_single")
    first, second = single.connect(), single.connect()
    try:
        first.cursor().execute('SET search_path TO "tenant_shop00"')
        second.cursor().execute('SET search_path TO "tenant_shop01"')
        cursor = first.cursor()
        cursor.execute("SELECT name FROM shop_product")
        names = [name for (name,) in cursor.fetchall()]
    finally:
        first.close()
        second.close()
    assert names and load.foreign_rows("shop01", names) == []  # shop00's client read shop01's rows
