"""Provisioning one tenant on PostgreSQL from the pool of prepared schemas, against creating its schema.

What is measured: ``Customer.objects.create(name=...)`` for a new tenant, as in bench_provision.py
(validating its schema name, inserting its row, the schema with the tables, indexes and
constraints of the 10 CRM models, its recorder rows and content types, in one transaction).

Warm: with the pool on (``TENANCY_POOL_SIZE``) and filled beforehand, outside the timing, the
tenant takes a prepared schema: one statement takes a pooled schema's row and moves its recorder
rows, a second renames the schema. The background refill is off (``TENANCY_POOL_REFILL = "off"``)
while this is timed, so that nothing else runs meanwhile.

Baseline, timed alternately with it in the same run: cold, the same call with the pool off, which
creates the schema and runs the DDL.

Also shown: the time to prepare one pooled schema (the DDL moved off the tenant's creation, timed
while filling the pool), and, in a second phase, warm provisions made back to back with the
background refill on, so that a refill runs (in a thread of this process, on its own connection)
during nearly every one of them. Tenants created faster than the pool refills eventually find it
empty and are created cold; this phase's pool is large enough not to. A refill's foreign keys to
global tables lock those against writes until it commits (they come last in its transaction): the
CRM's only such table, ``shared_currency``, is not written by a new tenant, so that does not show.

Needs PostgreSQL: uses DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres. Every
tenant and pooled schema is dropped with the benchmark database at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/bench_provision_warm.py
"""

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

WARMUP = 5
TARGET = 0.010  # seconds: the median of a warm provision


def p90(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=10, method="inclusive")[8]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", type=int, default=150, help="provisions of each kind (default 150)")
    parser.add_argument(
        "--refilled", type=int, default=50, help="warm provisions with the background refill on (default 50; 0: none)"
    )
    parser.add_argument(
        "--peer", type=int, default=0, metavar="N", help="also time N provisions with django-tenants, cold and cloned"
    )
    args = parser.parse_args()

    # With the CRM app's migrations, as in a project: a new tenant is recorded as having them.
    harness.setup_with_crm_migrations("bench_provision_warm.py")

    from django.db import connection
    from django.test.utils import CaptureQueriesContext, override_settings

    from benchmarks.shared.models import Customer
    from tenancy import pool

    serial = iter(range(1, 10**9))
    pooled = WARMUP + args.tenants + 1  # + 1: the provision whose SQL is shown

    def provision() -> float:
        name = f"bench{next(serial)}"
        start = time.perf_counter()
        Customer.objects.create(name=name)
        return time.perf_counter() - start

    def warm() -> float:
        with override_settings(TENANCY_POOL_SIZE=pooled, TENANCY_POOL_REFILL="off"):
            return provision()

    def cold() -> float:
        return provision()  # the pool is off: TENANCY_POOL_SIZE is 0 in benchmarks.settings

    # The pool, filled outside the timing; how long one pooled schema takes to prepare.
    fill_times = []
    for _ in range(pooled):
        start = time.perf_counter()
        pool.create_pooled_schema()
        fill_times.append(time.perf_counter() - start)
    assert pool.status() == {"ready": pooled, "stale": 0}

    with CaptureQueriesContext(connection) as queries:
        warm()
    assert pool.status()["ready"] == pooled - 1, "the warm provision did not take a pooled schema"

    for _ in range(WARMUP):
        warm()
        cold()

    warm_times, cold_times = [], []
    for i in range(args.tenants):
        if i % 2 == 0:
            warm_times.append(warm())
            cold_times.append(cold())
        else:
            cold_times.append(cold())
            warm_times.append(warm())
    assert pool.status() == {"ready": 0, "stale": 0}, "a warm provision found the pool empty"

    # Warm provisions back to back, the background refill on: a refill runs during each of them.
    refilled_times = []
    if args.refilled:
        pool.fill_pool(size=args.refilled)
        with override_settings(TENANCY_POOL_SIZE=args.refilled, TENANCY_POOL_REFILL="thread"):
            for _ in range(args.refilled):
                ready = pool.status()["ready"]
                refilled_times.append(provision())
                assert ready > 0, "the pool ran dry: the refill did not keep up"
            assert pool.wait_for_refills(timeout=300)

    w, c = harness.median(warm_times), harness.median(cold_times)
    print(
        f"{args.tenants} provisions of each kind, alternating; the pool filled beforehand with {pooled} schemas, "
        "its refill off."
    )
    rows = [
        ["warm: Customer.objects.create(), from the pool", harness.ms(w), harness.ms(p90(warm_times)), f"{w / c:.2f}x"],
        ["cold: Customer.objects.create(), pool off", harness.ms(c), harness.ms(p90(cold_times)), "1.00x"],
        ["  separately: preparing one pooled schema", harness.ms(harness.median(fill_times)), "", ""],
    ]
    if refilled_times:
        m = harness.median(refilled_times)
        rows.append(
            [
                f"warm, background refill running ({args.refilled}, back to back)",
                harness.ms(m),
                harness.ms(p90(refilled_times)),
                f"{m / c:.2f}x",
            ]
        )
    if args.peer:
        from django.db import connections

        connections.close_all()
        peer = harness.run_peer("provision", "--samples", str(args.peer))
        for kind in ("cold", "clone"):
            m = peer[kind]["median_ms"] / 1000
            rows.append(
                [
                    f"django-tenants {peer['django_tenants']}: {kind}",
                    harness.ms(m),
                    "",
                    f"{m / c:.2f}x (warm: {m / w:.0f}x)",
                ]
            )
    harness.table(["", "median", "p90", "ratio"], rows)
    sqls = [q["sql"] for q in queries.captured_queries]
    print(f"SQL statements sent by one warm Customer.objects.create(): {len(sqls)}")
    for sql in sqls:
        print(f"  {sql[:100]}{'...' if len(sql) > 100 else ''}")
    print(f"\nwarm / cold: {w / c:.3f}x, cold / warm: {c / w:.1f}x (medians)")
    print(f"target: warm median under {harness.ms(TARGET)}: {harness.verdict(w < TARGET)} ({harness.ms(w)})")


if __name__ == "__main__":
    main()
