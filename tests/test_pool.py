"""The pool of prepared schemas (PostgreSQL): new tenants take a schema made ahead of time."""

import threading
import time
from io import StringIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from tenancy import pool, signals
from tenancy.conf import settings as tenancy_settings
from tenancy.models import PooledSchema
from tenancy.tenant_migrations import recorder
from tenancy.tenant_migrations.classify import latest_tenant_migrations
from tests.shop.models import Customer, Product
from tests.utils import recorded_signals, schema_exists, tables

from .test_lifecycle import TENANT_TABLES

postgresql = pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the pool needs PostgreSQL")


@pytest.fixture
def pool_on(settings):
    """The pool on, refilled only when a test says so."""
    settings.TENANCY_POOL_SIZE = 2
    settings.TENANCY_POOL_REFILL = "off"


@pytest.fixture
def clear_pool():
    """For transactional tests: drop the pooled schemas the test left (the flush that follows
    would empty the pool's table, not drop the schemas)."""
    yield
    assert pool.wait_for_refills(timeout=60)
    pool.clear_pool("default")


def pooled_schemas() -> dict[str, int]:
    """The schemas named like pooled ones, and their oids (a renamed schema keeps its oid)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname, oid FROM pg_namespace WHERE nspname LIKE 'tenancy\\_pool\\_%%'")
        return dict(cursor.fetchall())


def schema_oid(name: str) -> int | None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT oid FROM pg_namespace WHERE nspname = %s", [name])
        row = cursor.fetchone()
    return row and row[0]


def catalog(schema: str) -> dict[str, list]:
    """What a schema's tables are made of, with the schema's name left out (to compare two schemas)."""
    queries = {
        "columns": "SELECT table_name, column_name, data_type, is_nullable, column_default, is_identity "
        "FROM information_schema.columns WHERE table_schema = %s",
        "indexes": "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s",
        "constraints": "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) "
        "FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = %s",
        "relations": "SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s",
    }
    result = {}
    with connection.cursor() as cursor:
        for kind, sql in queries.items():
            cursor.execute(sql, [schema])
            rows = [tuple(str(v).replace(schema, "<schema>") for v in row) for row in cursor.fetchall()]
            result[kind] = sorted(rows)
    return result


@postgresql
def test_a_new_tenant_takes_a_pooled_schema(db, pool_on, settings):
    assert pool.fill_pool() == (2, 0)
    oldest = PooledSchema.objects.order_by("id").first()
    oid = schema_oid(oldest.name)

    acme = Customer.objects.create(name="acme")

    assert schema_oid("tenant_acme") == oid  # the pooled schema, renamed
    assert not schema_exists(oldest.name)
    assert pool.status() == {"ready": 1, "stale": 0}
    assert len(tables("tenant_acme")) == TENANT_TABLES
    assert recorder.applied(connection, ["tenant_acme", oldest.name]) == {
        "tenant_acme": frozenset(latest_tenant_migrations())
    }
    assert ContentType.objects.filter(app_label="tenant_acme:shop").exists()
    Product.for_tenant(acme).objects.create(name="pen")
    assert Product.for_tenant(acme).objects.get().name == "pen"

    # Made the same as a tenant whose schema is created then and there.
    settings.TENANCY_POOL_SIZE = 0
    Customer.objects.create(name="globex")
    assert catalog("tenant_acme") == catalog("tenant_globex")
    assert "tenancy_pool" not in str(catalog("tenant_acme"))

    # Deleted as any tenant.
    acme.delete()
    assert not schema_exists("tenant_acme") and recorder.applied(connection, ["tenant_acme"]) == {}
    assert pool.status() == {"ready": 1, "stale": 0}


@postgresql
def test_bulk_create_takes_a_schema_per_tenant(db, pool_on):
    pool.fill_pool(size=3)
    before = set(pooled_schemas().values())
    Customer.objects.bulk_create([Customer(name="a1"), Customer(name="a2")])
    assert {schema_oid("tenant_a1"), schema_oid("tenant_a2")} < before
    assert len(tables("tenant_a1")) == len(tables("tenant_a2")) == TENANT_TABLES
    assert pool.status()["ready"] == 1


@postgresql
def test_signals_are_sent_as_when_the_schema_is_created(db, pool_on):
    pool.fill_pool()
    names = ["pre_schema_creation", "post_schema_creation", "pre_models_creation", "post_models_creation"]
    with recorded_signals(names, "tenant_acme") as received:
        Customer.objects.create(name="acme")
    assert received == [
        ("pre_schema_creation", Customer, "acme", "default", False),
        ("post_schema_creation", Customer, "acme", "default", True),
        ("pre_models_creation", Customer, "acme", "default", True),
        ("post_models_creation", Customer, "acme", "default", True),
    ]
    assert pool.status()["ready"] == 1  # it did come from the pool


@postgresql
def test_an_empty_pool_creates_the_schema(db, pool_on):
    assert pool.status() == {"ready": 0, "stale": 0}
    Customer.objects.create(name="acme")
    assert len(tables("tenant_acme")) == TENANT_TABLES
    assert recorder.applied(connection, ["tenant_acme"]) == {"tenant_acme": frozenset(latest_tenant_migrations())}
    assert pooled_schemas() == {}


@postgresql
@pytest.mark.parametrize("change", ["models", "migrations", "row"])
def test_a_stale_pooled_schema_is_never_handed_out(db, pool_on, monkeypatch, change):
    """A schema made for other tables or other migrations than the current ones stays in the pool."""
    ddl_template, latest = pool.ddl_template, pool._latest_migrations
    with monkeypatch.context() as patch:
        if change == "models":  # made when the tenant models had another table
            extra = ';\nCREATE TABLE "__tenancy_template__"."gone" ("id" integer)'
            patch.setattr(pool, "ddl_template", lambda using: ddl_template(using) + extra)
        elif change == "migrations":  # made before the latest tenant migration
            patch.setattr(pool, "_latest_migrations", lambda: latest()[:-1])
        stale = pool.create_pooled_schema()
    if change == "row":
        PooledSchema.objects.filter(name=stale).update(fingerprint="0" * 64)
    assert pool.status() == {"ready": 0, "stale": 1}

    Customer.objects.create(name="acme")

    assert schema_exists(stale) and schema_oid("tenant_acme") != schema_oid(stale)
    assert PooledSchema.objects.filter(name=stale).exists()
    assert len(tables("tenant_acme")) == TENANT_TABLES
    assert recorder.applied(connection, ["tenant_acme"]) == {"tenant_acme": frozenset(latest_tenant_migrations())}


@postgresql
def test_the_pool_off_leaves_the_pool_alone(db):
    pool.fill_pool(size=1)
    assert tenancy_settings.TENANCY_POOL_SIZE == 0  # the default, and the test settings'
    Customer.objects.create(name="acme")
    assert pool.status() == {"ready": 1, "stale": 0}


@postgresql
def test_fill_pool_drops_stale_schemas_and_fills_to_size(db, pool_on):
    assert pool.fill_pool() == (2, 0)
    stale = PooledSchema.objects.order_by("id").first().name
    PooledSchema.objects.filter(name=stale).update(fingerprint="0" * 64)
    assert pool.status() == {"ready": 1, "stale": 1}

    assert pool.fill_pool(size=3) == (2, 1)

    assert pool.status() == {"ready": 3, "stale": 0}
    assert not schema_exists(stale) and recorder.applied(connection, [stale]) == {}
    assert pool.fill_pool() == (0, 0)  # more than the size ready: left as it is
    ready = PooledSchema.objects.values_list("name", flat=True)
    assert set(pooled_schemas()) == set(ready)
    assert set(recorder.applied(connection, ready).values()) == {frozenset(latest_tenant_migrations())}
    for name in ready:
        assert catalog(name) == catalog(ready[0])

    assert pool.clear_pool() == 3
    assert pooled_schemas() == {} and recorder.applied(connection, ready) == {}
    assert pool.status() == {"ready": 0, "stale": 0}


@postgresql
def test_a_pooled_schema_is_complete_or_absent(db, monkeypatch):
    """A failure while preparing a pooled schema (here in the last statement of its DDL) leaves
    no schema, no row and no recorder rows."""
    ddl_template = pool.ddl_template
    broken = ';\nCREATE INDEX "broken" ON "__tenancy_template__"."no_such_table" ("id")'
    monkeypatch.setattr(pool, "ddl_template", lambda using: ddl_template(using) + broken)
    with pytest.raises(Exception, match="no_such_table"):
        pool.create_pooled_schema()
    assert pooled_schemas() == {} and not PooledSchema.objects.exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tenancy_migration WHERE schema LIKE 'tenancy\\_pool\\_%%'")
        assert cursor.fetchone()[0] == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("delete_tenants", "clear_pool")
@postgresql
def test_a_failed_creation_leaves_the_pooled_schema_in_the_pool(pool_on):
    pool.fill_pool(size=1)
    pooled = PooledSchema.objects.get()
    oid = schema_oid(pooled.name)

    def explode(sender, tenant, **kwargs):
        raise RuntimeError("receiver failed")

    for signal in (signals.post_schema_creation, signals.post_models_creation):
        signal.connect(explode)
        try:
            with pytest.raises(RuntimeError, match="receiver failed"):
                Customer.objects.create(name="acme")
        finally:
            signal.disconnect(explode)
        assert not schema_exists("tenant_acme") and not Customer.objects.exists()
        assert PooledSchema.objects.get() == pooled and schema_oid(pooled.name) == oid
        assert len(tables_of(pooled.name)) == TENANT_TABLES
        assert recorder.applied(connection, [pooled.name, "tenant_acme"]) == {
            pooled.name: frozenset(latest_tenant_migrations())
        }

    Customer.objects.create(name="acme")  # and it is still there to take
    assert schema_oid("tenant_acme") == oid and pool.status() == {"ready": 0, "stale": 0}


def tables_of(schema: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = %s", [schema])
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("delete_tenants", "clear_pool")
@postgresql
def test_concurrent_creations_take_different_schemas(pool_on):
    """Three tenants created at once, each holding its transaction open until all three have
    their schema, take the three pooled schemas; meanwhile a fourth claim, finding every row
    taken, neither waits for them nor takes one: it finds the pool empty."""
    pool.fill_pool(size=3)
    pooled = set(pooled_schemas().values())
    names = ["t0", "t1", "t2"]
    claimed = threading.Barrier(len(names) + 1, timeout=30)
    checked = threading.Barrier(len(names) + 1, timeout=30)
    errors, fourth = [], []

    def create(name):
        try:
            with transaction.atomic():
                Customer.objects.create(name=name)
                claimed.wait()  # all three have their schema before any commits
                checked.wait()
        except Exception as error:  # reported below
            errors.append((name, error))
        finally:
            connection.close()

    def claim_meanwhile():
        try:
            claimed.wait()
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '5s'")  # waiting would fail, not hang
                fourth.append(pool.claim("default", "tenant_t3"))
                transaction.set_rollback(True)
            checked.wait()
        except Exception as error:
            errors.append(("fourth", error))
        finally:
            connection.close()

    threads = [threading.Thread(target=create, args=(name,)) for name in names]
    threads.append(threading.Thread(target=claim_meanwhile))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == [] and fourth == [False]
    oids = {schema_oid(f"tenant_{name}") for name in names}
    assert oids == pooled  # each pooled schema went to one tenant
    assert pooled_schemas() == {} and pool.status() == {"ready": 0, "stale": 0}
    for name in names:
        assert len(tables(f"tenant_{name}")) == TENANT_TABLES
    applied = recorder.applied(connection, [f"tenant_{name}" for name in names])
    assert set(applied.values()) == {frozenset(latest_tenant_migrations())} and len(applied) == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("delete_tenants", "clear_pool")
@postgresql
def test_a_claim_is_refilled_in_the_background(pool_on, settings):
    settings.TENANCY_POOL_REFILL = "thread"
    pool.fill_pool()
    others = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
    with connection.cursor() as cursor:
        cursor.execute(others)
        (before,) = cursor.fetchone()  # other tests' connections may linger
    Customer.objects.create(name="acme")
    Customer.objects.create(name="globex")
    assert pool.wait_for_refills(timeout=60)
    assert pool.status() == {"ready": 2, "stale": 0}
    assert pool._refilling == {}
    # The refill's connection is closed: its server process leaves pg_stat_activity soon after.
    deadline = time.monotonic() + 10
    with connection.cursor() as cursor:
        while True:
            cursor.execute(others)
            if cursor.fetchone()[0] <= before or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        cursor.execute(others)
        assert cursor.fetchone()[0] <= before


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("delete_tenants", "clear_pool")
@postgresql
def test_no_background_refill_when_off(pool_on):
    pool.fill_pool()
    Customer.objects.create(name="acme")
    assert pool._refilling == {}
    assert pool.status() == {"ready": 1, "stale": 0}


@postgresql
def test_pooled_schemas_are_not_tenants(db, pool_on, acme):
    pool.fill_pool()
    out = StringIO()
    call_command("showmigrations", stdout=out)
    assert "tenancy_pool" not in out.getvalue() and "tenant_acme" in out.getvalue()


@postgresql
def test_the_command(db, pool_on):
    def run(*args):
        out = StringIO()
        call_command("tenancy_pool", *args, stdout=out)
        return out.getvalue()

    assert run() == "Pool of database 'default': 0 ready, 0 stale (TENANCY_POOL_SIZE = 2).\n"
    assert run("--fill") == (
        "Dropped 0 stale pooled schemas, created 2 pooled schemas.\n"
        "Pool of database 'default': 2 ready, 0 stale (TENANCY_POOL_SIZE = 2).\n"
    )
    PooledSchema.objects.filter(pk=PooledSchema.objects.order_by("id").first().pk).update(fingerprint="0" * 64)
    assert run() == "Pool of database 'default': 1 ready, 1 stale (TENANCY_POOL_SIZE = 2).\n"
    assert run("--fill", "--size", "3") == (
        "Dropped 1 stale pooled schema, created 2 pooled schemas.\n"
        "Pool of database 'default': 3 ready, 0 stale (TENANCY_POOL_SIZE = 2).\n"
    )
    assert run("--clear") == (
        "Dropped 3 pooled schemas.\nPool of database 'default': 0 ready, 0 stale (TENANCY_POOL_SIZE = 2).\n"
    )
    assert pooled_schemas() == {}
    with pytest.raises(CommandError, match="--size goes with --fill"):
        run("--size", "3")


def test_the_command_needs_postgresql(db):
    if connection.vendor == "postgresql":
        pytest.skip("the error of other backends")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("tenancy_pool")


def test_the_pool_is_off_elsewhere_than_postgresql(db, pool_on):
    if connection.vendor == "postgresql":
        pytest.skip("the other backends")
    Customer.objects.create(name="acme")  # no pool table is queried, nothing fails
    assert tables("tenant_acme")


def test_settings_checks(settings):
    settings.TENANCY_POOL_SIZE = -1
    settings.TENANCY_POOL_REFILL = "cron"
    ids = sorted(e.id for e in checks.run_checks() if e.id.startswith("tenancy."))
    assert ids == ["tenancy.E006", "tenancy.E007"]


@postgresql
@pytest.mark.django_db(transaction=True)
def test_migrate_replaces_the_stale_pooled_schemas(settings, delete_tenants):
    settings.TENANCY_POOL_SIZE, settings.TENANCY_POOL_REFILL = 2, "off"
    pool.fill_pool()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE tenancy_pooled_schema SET fingerprint = 'made-for-older-migrations'")
    out = StringIO()
    call_command("migrate", stdout=out)
    assert "Pool of prepared schemas: 2 stale dropped, 2 made." in out.getvalue()
    assert pool.status()["ready"] == 2
    pool.clear_pool()
