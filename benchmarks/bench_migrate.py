"""Migrating many tenants on PostgreSQL, against sending the same ALTER statements with psycopg2.

The workload's CRM app gets its initial migration (``makemigrations``), ``--tenants`` tenants are
created at that state, and a second migration adds a field with a default and an index to Task.
What is timed:

- ``migrate``: ``call_command("migrate", tenants_only=True)``, which plans, works the migration's
  SQL out once on a scratch schema, and migrates each tenant in a transaction of its own that
  also records the migration for it;
- the floor, timed in the same run on as many other tenants at the same state: the same ALTER
  statements, sent with psycopg2 on an autocommit connection, one round trip per schema;
- ``migrate`` again with nothing to apply (the no-op), for the same tenants.

Needs PostgreSQL: uses DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres. The
benchmark database, and every tenant in it, is dropped at the end.

    python benchmarks/bench_migrate.py --tenants 1000
"""

import argparse
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

SECOND_MIGRATION = """
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]

    operations = [
        migrations.AddField(model_name="task", name="estimate", field=models.PositiveIntegerField(default=1)),
        migrations.AddIndex(model_name="task", index=models.Index(fields=["estimate"], name="crm_task_estimate_idx")),
    ]
"""


def create_tenants(model, prefix: str, count: int, batch: int = 50) -> list:
    """``count`` new tenants, ``batch`` to a transaction: a transaction creating a schema holds a
    lock per table, and PostgreSQL has room for a few thousand (max_locks_per_transaction)."""
    tenants = []
    for start in range(0, count, batch):
        names = range(start, min(start + batch, count))
        tenants += model.objects.bulk_create(model(name=f"{prefix}{i}") for i in names)
    return tenants


def add_second_migration(folder: Path) -> None:
    from tenancy.tenant_migrations import classify

    (folder / harness.CRM_MIGRATIONS / "0002_task_estimate.py").write_text(SECOND_MIGRATION)
    classify.latest_tenant_migrations.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", type=int, default=1000, help="tenants migrated by each side (default 1000)")
    parser.add_argument("--jobs", type=int, default=1, help="migrate --jobs (default 1)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the timed migrate")
    parser.add_argument("--sort", default="cumulative", help="the cProfile's order (default cumulative)")
    parser.add_argument(
        "--peer", action="store_true", help="also run django-tenants' migrate_schemas on as many tenants (slow)"
    )
    args = parser.parse_args()

    folder = harness.setup_with_crm_migrations("bench_migrate.py")

    from django.core.management import call_command
    from django.db import connection

    from benchmarks.shared.models import Customer
    from tenancy.tenant_migrations import recorder
    from tenancy.tenant_migrations.executor import TenantMigrator

    started = time.perf_counter()
    tenants = create_tenants(Customer, "m", args.tenants)
    floor_tenants = create_tenants(Customer, "f", args.tenants)
    provisioning = time.perf_counter() - started
    print(f"created {2 * args.tenants} tenants at crm.0001 in {provisioning:.1f} s")

    add_second_migration(folder)

    # The floor's statements: the migration's SQL for one schema, as tenancy works it out.
    migrator = TenantMigrator()
    (steps,) = [migrator.plan(applied) for applied in migrator.group(floor_tenants[:1])]
    migrator._record(steps)
    scratch_sql = migrator._recorded[id(steps)][steps[0].migration]
    statements = scratch_sql.count(";") + 1

    raw = harness.server_connect(connection.settings_dict["NAME"])
    raw.autocommit = True
    cursor = raw.cursor()
    started = time.perf_counter()
    for tenant in floor_tenants:
        cursor.execute(migrator.sql_for(scratch_sql, tenant.db_schema))
    floor = time.perf_counter() - started
    for tenant in floor_tenants:  # not timed: so that migrate leaves them alone
        recorder.record_applied(connection, tenant.db_schema, [("crm", "0002_task_estimate")])

    out = StringIO()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    started = time.perf_counter()
    call_command("migrate", tenants_only=True, jobs=args.jobs, stdout=out, stderr=StringIO(), verbosity=0)
    migrate = time.perf_counter() - started
    if profiler is not None:
        import pstats

        profiler.disable()
        pstats.Stats(profiler, stream=sys.stdout).sort_stats(args.sort).print_stats(30)
    states = recorder.applied(connection, [t.db_schema for t in tenants])
    assert all(("crm", "0002_task_estimate") in states[t.db_schema] for t in tenants), "not every tenant migrated"
    cursor.execute(
        "SELECT count(*) FROM information_schema.columns WHERE column_name = 'estimate' AND table_name = 'crm_task'"
    )
    assert cursor.fetchone()[0] == 2 * args.tenants

    started = time.perf_counter()
    call_command("migrate", tenants_only=True, stdout=StringIO(), stderr=StringIO(), verbosity=0)
    noop = time.perf_counter() - started
    started = time.perf_counter()
    call_command("migrate", stdout=StringIO(), stderr=StringIO(), verbosity=0)
    noop_all = time.perf_counter() - started

    peer_rows = []
    if args.peer:
        connection.close()
        peer = harness.run_peer("migrate", "--tenants", str(args.tenants))
        peer_noop = harness.run_peer("noop", "--tenants", str(args.tenants))
        for name, run in (("standard", peer["standard"]), ("multiprocessing", peer["multiprocessing"])):
            peer_rows.append(
                [
                    f"django-tenants {peer['django_tenants']}: migrate_schemas, {name} executor",
                    f"{run['total_s']:.2f} s",
                    f"{run['ms_per_tenant']:.2f} ms",
                    f"{run['total_s'] / floor:.1f}x",
                ]
            )
        peer_rows.append(
            [
                "django-tenants: migrate_schemas, nothing to apply",
                f"{peer_noop['total_s']:.2f} s",
                f"{peer_noop['ms_per_tenant']:.2f} ms",
                "",
            ]
        )

    n = args.tenants
    print(f"{n} tenants each side; the migration is {statements} statements per tenant:")
    for line in migrator.sql_for(scratch_sql, "<schema>").split(";\n"):
        print(f"  {line}")
    harness.table(
        ["", "total", "per tenant", "ratio"],
        [
            [
                f"tenancy: migrate --tenants-only --jobs {args.jobs}",
                f"{migrate:.2f} s",
                harness.ms(migrate / n),
                f"{migrate / floor:.2f}x",
            ],
            ["psycopg2: the same SQL, one round trip per schema", f"{floor:.2f} s", harness.ms(floor / n), "1.00x"],
            ["tenancy: migrate --tenants-only, nothing to apply", f"{noop:.2f} s", harness.ms(noop / n), ""],
            ["tenancy: migrate (global apps too), nothing to apply", f"{noop_all:.2f} s", harness.ms(noop_all / n), ""],
            *peer_rows,
        ],
    )
    print(f"\nmigrate / floor: {migrate / floor:.2f}x")
    raw.close()


if __name__ == "__main__":
    main()
