"""10,000 tenants on PostgreSQL: provisioning them all, one migration across all, a no-op migrate.

Not a comparison but a scale test: it reports the times, the size of the server's catalog
(``pg_class`` rows and the on-disk size of the benchmark database) and that every tenant ended
at the latest migration. The workload is the CRM app's 10 models; the migration adds a field with
a default and an index to Task, as in ``bench_migrate.py``. Tenants are created 10 to a
transaction (``bulk_create``): creating a tenant takes about 70 locks until its transaction ends,
and PostgreSQL's lock table is shared by every transaction (64 x max_connections slots by
default). ``migrate`` uses one transaction per tenant.

    python benchmarks/bench_scale.py --tenants 10000 --jobs 2

It takes about a quarter of an hour for 10,000 tenants on a two-core machine.
"""

import argparse
import sys
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402
from benchmarks.bench_migrate import add_second_migration, create_tenants  # noqa: E402


def catalog(cursor) -> tuple[int, int, int]:
    cursor.execute("SELECT count(*) FROM pg_class")
    (relations,) = cursor.fetchone()
    cursor.execute("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'tenant\\_%'")
    (schemas,) = cursor.fetchone()
    cursor.execute("SELECT pg_database_size(current_database())")
    (size,) = cursor.fetchone()
    return relations, schemas, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", type=int, default=10000)
    parser.add_argument("--jobs", type=int, default=2, help="migrate --jobs (default 2)")
    args = parser.parse_args()
    folder = harness.setup_with_crm_migrations("bench_scale.py")

    from django.core.management import call_command
    from django.db import connection

    from benchmarks.shared.models import Customer
    from tenancy.tenant_migrations import recorder

    quiet = {"stdout": StringIO(), "stderr": StringIO(), "verbosity": 0}
    started = time.perf_counter()
    step = max(args.tenants // 10, 1)
    for start in range(0, args.tenants, step):
        create_tenants(Customer, f"s{start}_", min(step, args.tenants - start), batch=10)
        elapsed = time.perf_counter() - started
        print(f"  {start + step} tenants created, {elapsed:.0f} s", flush=True)
    provisioning = time.perf_counter() - started
    with connection.cursor() as cursor:
        before = catalog(cursor)

    add_second_migration(folder)
    started = time.perf_counter()
    call_command("migrate", tenants_only=True, jobs=args.jobs, **quiet)
    migrating = time.perf_counter() - started
    states = recorder.applied(connection)
    behind = [s for s, keys in states.items() if ("crm", "0002_task_estimate") not in keys]
    assert len(states) == args.tenants and not behind, f"{len(behind)} tenants not migrated"

    started = time.perf_counter()
    call_command("migrate", tenants_only=True, **quiet)
    noop = time.perf_counter() - started
    started = time.perf_counter()
    call_command("migrate", **quiet)
    noop_all = time.perf_counter() - started
    with connection.cursor() as cursor:
        after = catalog(cursor)

    n = args.tenants
    print(f"\n{n} tenants, 10 models (11 tables, 58 DDL statements) each")
    print(f"provisioning all:                {provisioning:8.1f} s  ({provisioning / n * 1000:.1f} ms per tenant)")
    per_tenant = migrating / n * 1000
    print(f"migrate, add field + index:      {migrating:8.1f} s  ({per_tenant:.2f} ms per tenant, jobs {args.jobs})")
    print(f"migrate --tenants-only, no-op:   {noop:8.2f} s")
    print(f"migrate (global too), no-op:     {noop_all:8.2f} s")
    for label, (relations, schemas, size) in (("after provisioning", before), ("after the migration", after)):
        print(f"catalog {label}: {schemas} tenant schemas, {relations} pg_class rows, database {size / 2**30:.2f} GiB")


if __name__ == "__main__":
    main()
