"""A migrate killed with SIGKILL, again and again, loses nothing (PostgreSQL, real processes).

Each round migrates every tenant back to evolve 0001, starts ``manage.py migrate`` in a process of
its own and kills it at a random moment once it has migrated a tenant. Every tenant must then be
at the old state or the new one, wholly (its tables say the same as its recorded migrations),
with every row as it was; a last run brings them all to the end. Two processes migrating at once
must not trip on each other.
"""

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from tenancy.tenant_migrations import recorder
from tests.shop.models import Customer

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="needs transactional DDL and real processes"),
]

ROOT = Path(__file__).resolve().parent.parent
OLD = {("evolve", "0001_initial")}
NEW = OLD | {("evolve", "0002_publisher_and_fields"), ("evolve", "0003_shelves"), ("evolve", "0004_cleanup")}
TENANTS = 30


@pytest.fixture(autouse=True)
def _delete_tenants(delete_tenants):
    yield


def quiet(*args, **options):
    call_command(*args, stdout=open(os.devnull, "w"), stderr=open(os.devnull, "w"), **options)


def start_migrate() -> subprocess.Popen:
    db = connection.settings_dict
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "TENANCY_TEST_BACKEND": "postgresql"}
    env["DATABASE_URL"] = f"postgres://{db['USER'] or 'postgres'}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}"
    return subprocess.Popen(
        [sys.executable, "-m", "django", "migrate", "--tenants-only", "-v", "0"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def migrating(process: subprocess.Popen, timeout: float = 120) -> None:
    """Return once ``process`` has migrated a tenant (or ended): the moment it is among them."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if any(NEW <= applied for applied in recorder.applied(connection).values()):
            return
        time.sleep(0.02)


def fill(tenant, index: int) -> None:
    schema = tenant.db_schema
    with connection.cursor() as cursor:
        for rack in range(3):
            cursor.execute(f'INSERT INTO "{schema}"."evolve_rack" (label) VALUES (%s) RETURNING id', [f"r{rack}"])
            (rack_id,) = cursor.fetchone()
            for book in range(4):
                cursor.execute(
                    f'INSERT INTO "{schema}"."evolve_book" (title, rack_id) VALUES (%s, %s)',
                    [f"{schema} book {index}.{rack}.{book}", rack_id],
                )


def snapshot(tenant):
    """What the tenant has: its recorded migrations, which of its tables exist, and its rows."""
    schema = tenant.db_schema
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s AND table_name LIKE 'evolve%%'",
            [schema],
        )
        tables = {row[0] for row in cursor.fetchall()}
        racks = "evolve_shelves" if "evolve_shelves" in tables else "evolve_rack"
        label = "code" if racks == "evolve_shelves" else "label"
        cursor.execute(
            f"SELECT md5(string_agg(b.id || b.title || r.{label}, ',' ORDER BY b.id)), count(*) "
            f'FROM "{schema}"."evolve_book" b JOIN "{schema}"."{racks}" r ON r.id = b.rack_id'
        )
        rows = cursor.fetchone()
    applied = {key for key in recorder.applied(connection).get(schema, ()) if key[0] == "evolve"}
    return applied, tables, rows


def check(tenants, rows_before) -> tuple[int, int]:
    old = new = 0
    for tenant in tenants:
        applied, tables, rows = snapshot(tenant)
        assert rows == rows_before[tenant.pk], f"{tenant.db_schema}'s rows changed"
        if applied == OLD:
            assert tables == {"evolve_rack", "evolve_book", "evolve_obsolete"}, tenant.db_schema
            old += 1
        else:
            assert applied == NEW, f"{tenant.db_schema} is at neither state: {sorted(applied)}"
            assert tables == {"evolve_shelves", "evolve_book"}, tenant.db_schema
            new += 1
    return old, new


def test_sigkill_at_random_moments_loses_nothing():
    rng = random.Random(os.environ.get("TENANCY_KILL_SEED", 20261121))
    tenants = [Customer.objects.create(name=f"k{i:02}") for i in range(TENANTS)]
    quiet("migrate", "evolve", "0001", tenant=[t.name for t in tenants])
    for index, tenant in enumerate(tenants):
        fill(tenant, index)
    rows_before = {tenant.pk: snapshot(tenant)[2] for tenant in tenants}

    interrupted, rounds = 0, []
    for _ in range(6):
        quiet("migrate", "evolve", "0001", tenant=[t.name for t in tenants])
        process = start_migrate()
        migrating(process)  # the process's start-up takes longer than a tenant: kill it among them
        time.sleep(rng.uniform(0, 0.3))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            interrupted += 1
        process.wait()
        old, new = check(tenants, rows_before)
        assert old + new == TENANTS
        rounds.append((old, new))
    assert interrupted >= 3, "the runs ended before they could be killed: raise TENANTS"
    # Some kills landed part way through: tenants at both states at once.
    assert any(old and new for old, new in rounds), rounds
    print("tenants at the old and the new state after each kill:", rounds)

    # Two processes at once, then nothing left to do.
    first, second = start_migrate(), start_migrate()
    for process in (first, second):
        _, errors = process.communicate(timeout=300)
        assert process.returncode == 0, errors.decode()
    assert check(tenants, rows_before) == (0, TENANTS)
