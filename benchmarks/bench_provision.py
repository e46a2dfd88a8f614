"""Provisioning one tenant on PostgreSQL, against executing the same DDL with bare psycopg2.

What is measured: ``Customer.objects.create(name=...)`` for a new tenant: validating its schema
name, inserting its row, creating its schema and the tables, indexes and constraints of the 10
CRM models (54 statements: 11 CREATE TABLE, 27 CREATE INDEX, 15 FOREIGN KEY, 1 UNIQUE), in one
transaction, building its classes on the way.

Baseline, timed alternately with it in the same run: the floor for the same work, the same DDL
sent with psycopg2 for a fresh schema in a single round trip (``CREATE SCHEMA`` plus the DDL as
one multi-statement string on an autocommit connection, which PostgreSQL runs as one
transaction). The DDL is what Django's schema editor generates for a tenant (``collect_sql``),
with the schema name substituted.

Also shown, to break the difference down: the time a provision spends executing SQL (Django's
``execute_wrapper``; the COMMIT is not included) and collecting garbage (``gc.callbacks``), and
the Python-only parts of a provision, each timed on its own: building a tenant's classes, and
generating its DDL with the schema editor. The provisioned tenants stay in the class cache, as
they do in an application.

Needs PostgreSQL: uses DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres. Every
tenant created is dropped with the benchmark database at the end. ``--profile`` adds a cProfile
of some provisions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/bench_provision.py
"""

import argparse
import cProfile
import gc
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402


def collect_ddl(connection, models) -> list[str]:
    """The DDL creating the tables of ``models``, as the schema editor generates it (not run)."""
    editor = connection.schema_editor(collect_sql=True, atomic=False)
    editor.deferred_sql = []
    for model in models:
        editor.create_model(model)
    for statement in editor.deferred_sql:
        editor.execute(statement)
    return editor.collected_sql


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", type=int, default=150, help="provisions of each kind (default 150)")
    parser.add_argument("--profile", action="store_true", help="also profile 20 provisions with cProfile")
    parser.add_argument(
        "--peer", type=int, default=0, metavar="N", help="also time N provisions with django-tenants, cold and cloned"
    )
    args = parser.parse_args()

    # With the CRM app's migrations, as in a project: a new tenant is recorded as having them.
    harness.setup_with_crm_migrations("bench_provision.py")

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benchmarks.shared.models import Customer
    from tenancy.registry import cache, models_of

    # The baseline's DDL: the schema editor's SQL for one tenant, with the schema name made a slot.
    template = Customer.objects.create(name="ddltemplate")
    statements = collect_ddl(connection, list(template.models))
    kinds = {
        "CREATE TABLE": sum(s.startswith("CREATE TABLE") for s in statements),
        "CREATE INDEX": sum(s.startswith("CREATE INDEX") for s in statements),
        "FOREIGN KEY": sum("FOREIGN KEY" in s for s in statements),
        "UNIQUE": sum(s.startswith("ALTER TABLE") and "UNIQUE" in s for s in statements),
    }
    assert sum(kinds.values()) == len(statements), statements
    ddl = "\n".join(statements).replace('"tenant_ddltemplate".', '"{schema}".')
    assert "ddltemplate" not in ddl

    def baseline_sql(schema: str) -> str:
        return f'CREATE SCHEMA "{schema}";\n' + ddl.replace('"{schema}".', f'"{schema}".')

    raw = harness.server_connect(connection.settings_dict["NAME"])
    raw.autocommit = True
    raw_cursor = raw.cursor()

    serial = iter(range(1, 10**9))
    sql_time = [0.0]  # seconds spent executing SQL statements, from Django's execute_wrapper
    gc_time = [0.0, None]  # seconds spent in garbage collection, from gc.callbacks

    def time_sql(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            sql_time[0] += time.perf_counter() - start

    def time_gc(phase, info):
        if phase == "start":
            gc_time[1] = time.perf_counter()
        elif gc_time[1] is not None:
            gc_time[0] += time.perf_counter() - gc_time[1]

    def provision_tenancy() -> float:
        name = f"bench{next(serial)}"
        start = time.perf_counter()
        Customer.objects.create(name=name)
        return time.perf_counter() - start

    def provision_baseline() -> float:
        sql = baseline_sql(f"raw_{next(serial)}")
        start = time.perf_counter()
        raw_cursor.execute(sql)
        return time.perf_counter() - start

    # Sanity: the baseline creates the same tables as a provision does.
    provision_baseline()
    with CaptureQueriesContext(connection) as queries:
        provision_tenancy()
    raw_cursor.execute(
        "SELECT table_schema, count(*) FROM information_schema.tables WHERE table_schema LIKE %s "
        "OR table_schema LIKE %s GROUP BY 1 ORDER BY 1",
        ["raw\\_%", "tenant\\_bench%"],
    )
    table_counts = dict(raw_cursor.fetchall())
    assert sorted(table_counts.values()) == [11, 11], table_counts

    for _ in range(5):  # warm up
        provision_tenancy()
        provision_baseline()

    tenancy_times, baseline_times, sql_times, gc_times = [], [], [], []

    def measured_provision():
        sql_time[0] = gc_time[0] = 0.0
        with connection.execute_wrapper(time_sql):
            tenancy_times.append(provision_tenancy())
        sql_times.append(sql_time[0])
        gc_times.append(gc_time[0])

    gc.callbacks.append(time_gc)
    for i in range(args.tenants):
        if i % 2 == 0:
            measured_provision()
            baseline_times.append(provision_baseline())
        else:
            baseline_times.append(provision_baseline())
            measured_provision()
    gc.callbacks.remove(time_gc)

    # The Python-only parts of a provision, timed on their own.
    build_times, ddl_times = [], []
    for _ in range(100):
        pk = next(serial)
        tenant = Customer.from_db("default", ["id", "name"], [pk, f"py{pk}"])
        start = time.perf_counter()
        tenant_models = list(models_of(tenant))
        build_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        collect_ddl(connection, tenant_models)
        ddl_times.append(time.perf_counter() - start)
        cache.forget("default", tenant.db_schema)

    t, b = harness.median(tenancy_times), harness.median(baseline_times)
    print(
        f"{args.tenants} provisions of each kind, alternating. DDL per tenant: {len(statements)} statements "
        f"({', '.join(f'{n} {kind}' for kind, n in kinds.items())}) + CREATE SCHEMA"
    )
    peer_rows = []
    if args.peer:
        from django.db import connections

        connections.close_all()
        peer = harness.run_peer("provision", "--samples", str(args.peer))
        for kind in ("cold", "clone"):
            m = peer[kind]["median_ms"] / 1000
            peer_rows.append([f"django-tenants {peer['django_tenants']}: {kind}", harness.ms(m), f"{m / b:.2f}x"])
    harness.table(
        ["", "median", "ratio"],
        [
            ["tenancy: Customer.objects.create()", harness.ms(t), f"{t / b:.2f}x"],
            *peer_rows,
            ["psycopg2: the same DDL, one round trip", harness.ms(b), "1.00x"],
            ["  of a provision: executing its SQL, COMMIT excluded", harness.ms(harness.median(sql_times)), ""],
            ["  of a provision: garbage collection (mean)", harness.ms(statistics.fmean(gc_times)), ""],
            ["  separately: building a tenant's classes (no SQL)", harness.ms(harness.median(build_times)), ""],
            ["  separately: generating its DDL (no SQL)", harness.ms(harness.median(ddl_times)), ""],
        ],
    )
    sqls = [q["sql"] for q in queries.captured_queries]
    print(f"SQL statements sent by one Customer.objects.create(): {len(sqls)}")
    for sql in sqls:
        print(f"  {sql[:100]}{'...' if len(sql) > 100 else ''}")
    print(f"\nprovision / bare DDL: {t / b:.2f}x (medians)")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(20):
            provision_tenancy()
        profiler.disable()
        print("\ncProfile of 20 provisions, by cumulative time:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)
    raw.close()


if __name__ == "__main__":
    main()
