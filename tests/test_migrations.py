"""makemigrations and migrate for tenant models: the app ``tests.evolve`` goes through every kind of
operation (see its migrations), forwards and backwards, one tenant or many."""

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from tenancy.tenant_migrations import recorder
from tests.evolve.models import Book, Publisher, Shelf
from tests.shop.models import Customer

pytestmark = pytest.mark.django_db(transaction=True)

EVOLVE = [
    ("evolve", "0001_initial"),
    ("evolve", "0002_publisher_and_fields"),
    ("evolve", "0003_shelves"),
    ("evolve", "0004_cleanup"),
]


@pytest.fixture(autouse=True)
def _delete_tenants(delete_tenants):
    yield


def migrate(*args, **options):
    out = StringIO()
    call_command("migrate", *args, stdout=out, stderr=StringIO(), **options)
    return out.getvalue()


def applied(tenant, app="evolve"):
    return sorted(key for key in recorder.applied(connection).get(tenant.db_schema, ()) if key[0] == app)


def execute(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else None


def table(tenant, name):
    if connection.vendor == "postgresql":
        return f'"{tenant.db_schema}"."{name}"'
    return connection.ops.quote_name(f"{tenant.db_schema}_{name}")


def catalog(tenant):
    """The tenant's tables, columns, indexes and constraints, without the names Django derives from
    a table's name at the time it made them (which a renamed table keeps)."""
    schema = tenant.db_schema
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull "
                "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped",
                [schema],
            )
            columns = set(cursor.fetchall())
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s", [schema])
            indexes = cursor.fetchall()
            cursor.execute(
                "SELECT conname, conrelid::regclass::text, pg_get_constraintdef(oid) FROM pg_constraint "
                "WHERE connamespace = %s::regnamespace",
                [schema],
            )
            constraints = cursor.fetchall()
            named = {name for name, _ in indexes} | {name for name, _, _ in constraints}
            indexes = {re.sub(r"INDEX \S+ ON", "INDEX ON", d).replace(schema, "S") for _, d in indexes}
            constraints = {(t.replace(schema, "S"), d.replace(schema, "S")) for _, t, d in constraints}
            # A foreign key's name says what its target table was called when it was made.
            return columns, indexes, constraints, {n for n in named if n.startswith("evolve_book_") and "_fk_" not in n}
        prefix = f"{schema}_"
        names = [t for t in connection.introspection.table_names(cursor) if t.startswith(prefix)]
        columns, indexes, keys, named = set(), set(), set(), set()
        for name in names:
            short = name[len(prefix) :]
            for column in connection.introspection.get_table_description(cursor, name):
                columns.add((short, column.name, column.type_code, column.null_ok))
            for index, info in connection.introspection.get_constraints(cursor, name).items():
                indexes.add((short, tuple(info["columns"]), info["unique"], info["index"], info["primary_key"]))
                if info["foreign_key"]:
                    keys.add((short, tuple(info["columns"]), info["foreign_key"][0][len(prefix) :]))
                named.add(index.removeprefix(prefix))
        return columns, indexes, keys, {n for n in named if n.startswith("evolve_book_") and "__" not in n}


@pytest.mark.django_db(databases="__all__")
def test_committed_migrations_match_the_models():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_the_global_pass_creates_no_tenant_table():
    with connection.cursor() as cursor:
        names = set(connection.introspection.table_names(cursor))
    assert "evolve_publisher" in names
    assert not {"evolve_book", "evolve_shelves", "evolve_rack", "evolve_obsolete", "shop_order"} & names


def test_a_new_tenant_is_recorded_at_the_latest_state():
    acme = Customer.objects.create(name="acme")
    assert applied(acme) == EVOLVE
    assert applied(acme, "shop") == [("shop", "0002_tenant_models")]


def test_backwards_to_zero_then_forwards_ends_where_a_new_tenant_starts():
    acme = Customer.objects.create(name="acme")
    fresh = catalog(acme)
    migrate("evolve", "zero", tenant=["acme"])
    assert applied(acme) == []
    assert not [t for t in catalog(acme)[0] if t[0].startswith(("evolve_", "evolve"))]
    assert applied(acme, "shop") == [("shop", "0002_tenant_models")]  # other apps untouched

    migrate(tenant=["acme"])
    assert applied(acme) == EVOLVE
    assert catalog(acme) == fresh


def test_each_step_forwards_and_backwards_keeps_the_rows():
    acme = Customer.objects.create(name="acme")
    migrate("evolve", "0001", tenant=["acme"])
    execute(f"INSERT INTO {table(acme, 'evolve_rack')} (label) VALUES ('a1')")
    (rack,) = execute(f"SELECT id FROM {table(acme, 'evolve_rack')}")[0]
    execute(f"INSERT INTO {table(acme, 'evolve_book')} (title, rack_id) VALUES ('Dune', %s)", [rack])
    for target in ["0002", "0003", "0004", "0003", "0002", "0004"]:
        migrate("evolve", target, tenant=["acme"])
        assert applied(acme)[-1][1].startswith(target)

    book = Book.for_tenant(acme).objects.get()
    assert (book.title, book.rack.code, book.rack.floor) == ("Dune", "a1", 0)
    assert book.slug == f"tenant_acme-{book.pk}"  # RunPython, with the tenant at hand
    assert book.isbn == "unknown"  # RunSQL, with {tenant_prefix}


def test_tenant_migrations_do_not_run_global_operations_again():
    Customer.objects.create(name="acme")
    Publisher.objects.all().delete()
    migrate("evolve", "zero", tenant=["acme"])
    migrate(tenant=["acme"])
    assert not Publisher.objects.exists()


def test_a_failing_tenant_is_rolled_back_and_the_others_go_on():
    acme = Customer.objects.create(name="acme")
    globex = Customer.objects.create(name="globex")
    initech = Customer.objects.create(name="initech")
    migrate("evolve", "0002", tenant=["acme", "globex", "initech"])
    execute(f"INSERT INTO {table(globex, 'evolve_rack')} (label, floor) VALUES ('explode', 0)")
    before = catalog(globex)

    with pytest.raises(CommandError) as failure:
        migrate()
    assert "1 tenant(s) could not be migrated" in str(failure.value)
    assert "tenant_globex: RuntimeError: a shelf called 'explode' in tenant_globex" in str(failure.value)
    assert applied(acme) == applied(initech) == EVOLVE
    assert applied(globex) == EVOLVE[:2]
    if not connection.features.can_rollback_ddl:
        return  # MySQL committed what 0003 did before it failed, as Django's own migrate would
    assert catalog(globex) == before
    assert execute(f"SELECT label FROM {table(globex, 'evolve_rack')}") == [("explode",)]

    execute(f"UPDATE {table(globex, 'evolve_rack')} SET label = 'fine'")
    migrate()
    assert applied(globex) == EVOLVE
    assert Shelf.for_tenant(globex).objects.get().code == "fine"


def test_plan_shows_each_group_of_tenants_and_changes_nothing():
    Customer.objects.create(name="acme")
    Customer.objects.create(name="globex")
    migrate("evolve", "0002", tenant=["acme"])
    out = migrate(plan=True, tenants_only=True)
    assert "1 tenant(s) (tenant_acme):" in out
    assert "Apply evolve.0003_shelves" in out and "Rename model Rack to Shelf" in out
    assert "tenant_globex" not in out
    assert applied(Customer.objects.get(name="acme")) == EVOLVE[:2]


def test_unknown_tenant_key_is_an_error():
    with pytest.raises(CommandError, match="No tenant has the key or schema name 'nobody'"):
        migrate(tenant=["nobody"])


def test_global_only_leaves_tenants_alone():
    acme = Customer.objects.create(name="acme")
    migrate("evolve", "0001", tenant=["acme"])
    migrate(global_only=True)
    assert applied(acme) == EVOLVE[:1]


@pytest.mark.skipif("connection.vendor == 'sqlite'", reason="SQLite migrates one tenant at a time")
def test_jobs_migrate_tenants_in_parallel():
    tenants = [Customer.objects.create(name=f"t{i}") for i in range(6)]
    migrate("evolve", "0001", tenant=[t.name for t in tenants])
    migrate(jobs=3)
    assert all(applied(t) == EVOLVE for t in tenants)


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the SQL is worked out once on PostgreSQL only")
def test_the_sql_is_worked_out_once_and_sent_in_one_statement_per_tenant():
    from django.test.utils import CaptureQueriesContext

    from tenancy.tenant_migrations.executor import TenantMigrator

    tenants = [Customer.objects.create(name=f"t{i}") for i in range(3)]
    migrate("evolve", "0003", tenant=[t.name for t in tenants])
    migrator = TenantMigrator()
    with CaptureQueriesContext(connection) as queries:
        outcomes = migrator.migrate(tenants)
    assert [o.replayed for o in outcomes] == [True] * 3
    assert all(applied(t) == EVOLVE for t in tenants)
    for tenant in tenants:
        (sent,) = [q["sql"] for q in queries.captured_queries if f'"{tenant.db_schema}"' in q["sql"]]
        assert sent.startswith('INSERT INTO "tenancy_migration"') and "evolve_book" in sent


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="the SQL is worked out once on PostgreSQL only")
def test_a_tenant_whose_catalog_differs_is_migrated_directly():
    acme, globex = Customer.objects.create(name="acme"), Customer.objects.create(name="globex")
    migrate("evolve", "0003", tenant=["acme", "globex"])
    # A constraint of another name than Django's: the recorded DROP CONSTRAINT cannot apply to it.
    book = f'"{globex.db_schema}"."evolve_book"'
    execute(f'ALTER TABLE {book} RENAME CONSTRAINT "evolve_book_title_nonempty" TO "custom_title_check"')
    from tenancy.tenant_migrations.executor import TenantMigrator

    outcomes = {o.schema: o for o in TenantMigrator().migrate([acme, globex])}
    assert outcomes["tenant_acme"].replayed and not outcomes["tenant_globex"].replayed
    # Django's own RemoveConstraint fails on it too; the tenant is left as it was.
    assert "evolve_book_title_nonempty" in str(outcomes["tenant_globex"].error)
    assert applied(globex) == EVOLVE[:3]


def test_showmigrations_summarizes_tenants_and_lists_one():
    Customer.objects.create(name="acme")
    Customer.objects.create(name="globex")
    migrate("evolve", "0002", tenant=["globex"])
    out = StringIO()
    call_command("showmigrations", stdout=out)
    text = out.getvalue()
    assert "Tenants:\n" in text
    assert "  1 of 2 tenant(s) up to date (tenant_acme)" in text
    assert "  1 of 2 tenant(s) 2 to apply: evolve.0003_shelves, evolve.0004_cleanup (tenant_globex)" in text

    out = StringIO()
    call_command("showmigrations", "evolve", tenant=["globex"], stdout=out)
    assert out.getvalue().splitlines() == [
        "Tenant globex (tenant_globex):",
        " [X] evolve.0001_initial",
        " [X] evolve.0002_publisher_and_fields",
        " [ ] evolve.0003_shelves",
        " [ ] evolve.0004_cleanup",
    ]


def test_squashed_migrations_provision_migrate_and_unapply(settings):
    settings.MIGRATION_MODULES = {"evolve": "tests.evolve.squashed"}
    squashed = sorted([*EVOLVE, ("evolve", "0001_squashed_0002")])
    acme = Customer.objects.create(name="acme")
    fresh = catalog(acme)
    assert applied(acme) == squashed  # the squashed migration, and those it replaces

    migrate("evolve", "zero", tenant=["acme"])
    assert applied(acme) == []
    migrate(tenant=["acme"])
    assert applied(acme) == squashed
    assert catalog(acme) == fresh


def test_check_exits_non_zero_while_a_tenant_is_behind():
    Customer.objects.create(name="acme")
    migrate(check_unapplied=True, tenants_only=True)  # up to date: returns
    migrate("evolve", "0003", tenant=["acme"])
    with pytest.raises(SystemExit):
        migrate(check_unapplied=True, tenants_only=True)


def test_progress_lines_and_bar():
    from tenancy.tenant_migrations.executor import Outcome
    from tenancy.tenant_migrations.progress import Progress

    log = StringIO()
    progress = Progress(log, bar=False, interval=0)
    progress.start(3, up_to_date=1)
    progress.advance(Outcome("tenant_a"))
    progress.advance(Outcome("tenant_b", error=RuntimeError("boom")))
    lines = log.getvalue().splitlines()
    assert lines[0] == "1 of 3 tenants are up to date."
    assert re.fullmatch(r"2/3 tenants  [\d.]+/s  ETA \d:\d\d:\d\d", lines[1])
    assert lines[2] == "  FAILED tenant_b: RuntimeError: boom"
    assert re.fullmatch(r"3/3 tenants  [\d.]+/s  ETA 0:00:00  1 failed", lines[3])

    screen = StringIO()
    progress = Progress(screen, bar=True, width=10)
    progress.start(4)
    progress.advance(Outcome("tenant_a"))
    progress.finish()
    assert screen.getvalue().startswith("\r[##........] 1/4 tenants") and screen.getvalue().endswith("\n")


def test_a_tenant_behind_on_an_app_whose_latest_migration_is_global_is_migrated():
    # shop's latest migration (0003_plan: a Plan model and Customer.plan) is global and counts as
    # applied for every tenant; the tenant migration before it (0002) must still be planned.
    from django.db.migrations.loader import MigrationLoader

    assert ("shop", "0003_plan") in MigrationLoader(connection).graph.leaf_nodes()
    acme = Customer.objects.create(name="acme")
    execute("DELETE FROM tenancy_migration WHERE app = 'shop'")
    assert "shop.0002_tenant_models" in migrate("shop", plan=True)
    with pytest.raises(SystemExit):
        migrate("shop", check_unapplied=True)
    migrate(tenant=["acme"], fake=True)  # every app's latest migrations, the default
    assert applied(acme, "shop") == [("shop", "0002_tenant_models")]
    migrate("shop", check_unapplied=True)  # nothing left to apply


def test_fake_initial_records_a_tenant_whose_tables_exist():
    acme = Customer.objects.create(name="acme")
    fresh = catalog(acme)
    shop = [("shop", "0002_tenant_models")]
    # As if acme had been created before shop had tenant migrations: tables, and no record of them.
    execute("DELETE FROM tenancy_migration WHERE app = 'shop'")
    with pytest.raises(CommandError, match="1 tenant"):
        migrate("shop", tenant=["acme"])  # creating tables that exist fails, and is rolled back
    assert applied(acme, "shop") == []
    migrate("shop", tenant=["acme"], fake_initial=True)
    assert applied(acme, "shop") == shop
    assert catalog(acme) == fresh
    # Where the tables are not all there, --fake-initial runs the migration as usual.
    migrate("evolve", "zero", tenant=["acme"])
    migrate("evolve", tenant=["acme"], fake_initial=True)
    assert applied(acme) == EVOLVE and catalog(acme) == fresh
