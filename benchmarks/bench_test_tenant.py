"""What a tenant costs inside a test: created and rolled back, as TenantTestCase and the pytest fixtures do.

What is measured: ``Customer.objects.create()`` of a tenant of the 10 CRM models, inside a
transaction that is then rolled back (schema or table prefix, tables, indexes, constraints, row,
content types and permissions: everything goes).

Baseline, timed alternately with it in the same run on the same connection: the same DDL
(``CREATE SCHEMA`` on PostgreSQL, then what Django's schema editor generates for the tenant's
tables), executed with a bare cursor inside a transaction that is rolled back too: the floor of
making those tables for a test.

Runs on SQLite (default) or PostgreSQL (``DATABASE_URL``)::

    python benchmarks/bench_test_tenant.py
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/bench_test_tenant.py
"""

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402
from benchmarks.bench_provision import collect_ddl  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", type=int, default=100, help="tenants of each kind (default 100)")
    args = parser.parse_args()
    harness.setup()
    harness.describe("bench_test_tenant.py", sys.argv[1:])

    from django.db import connection, transaction

    from benchmarks.shared.models import Customer
    from tenancy import naming
    from tenancy.registry import cache, models_of

    template = Customer.objects.create(name="ddltemplate")
    ddl = collect_ddl(connection, list(template.models))
    serial = iter(range(1, 10**9))

    def in_rolled_back_transaction(work) -> float:
        start = time.perf_counter()
        with transaction.atomic():
            work()
            transaction.set_rollback(True)
        return time.perf_counter() - start

    def tenancy_tenant() -> float:
        return in_rolled_back_transaction(lambda: Customer.objects.create(name=f"test{next(serial)}"))

    def bare_ddl() -> float:
        pk = next(serial)
        unsaved = Customer.from_db("default", ["id", "name"], [10**6 + pk, f"bare{pk}"])
        statements = collect_ddl(connection, list(models_of(unsaved)))  # generated before the clock starts
        cache.forget("default", unsaved.db_schema)
        if naming.uses_schemas(connection):
            statements.insert(0, f'CREATE SCHEMA "{unsaved.db_schema}"')

        def run():
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)

        return in_rolled_back_transaction(run)

    for _ in range(5):  # warm up
        tenancy_tenant(), bare_ddl()
    tenancy_times, bare_times = [], []
    for i in range(args.tenants):
        pair = (tenancy_tenant, bare_ddl) if i % 2 == 0 else (bare_ddl, tenancy_tenant)
        for work in pair:
            (tenancy_times if work is tenancy_tenant else bare_times).append(work())
    assert Customer.objects.count() == 1, "a tenant made in a rolled-back transaction was left behind"

    t, b = harness.median(tenancy_times), harness.median(bare_times)
    print(f"{args.tenants} of each, alternating, each in a transaction rolled back; {len(ddl)} DDL statements")
    harness.table(
        ["", "median", "ratio"],
        [
            ["tenancy: Customer.objects.create(), rolled back", harness.ms(t), f"{t / b:.2f}x"],
            ["bare cursor: the same DDL, rolled back", harness.ms(b), "1.00x"],
        ],
    )
    print(f"\na tenant in a test / bare DDL: {t / b:.2f}x (medians)")


if __name__ == "__main__":
    main()
