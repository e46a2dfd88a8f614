"""The first build of a tenant's classes, against defining the same plain models from scratch.

What is measured: ``models_of(tenant)`` for a tenant whose classes are not cached, i.e. building
its 10 CRM classes (FKs, the ``Task.tags`` M2M and its through model, FKs to the global Currency),
as the first ``Model.for_tenant(tenant)`` of a tenant does. Every build is for a different
tenant, loaded the way a query loads it (``Customer.from_db``); the build issues no SQL (checked)
so the tenants need no tables. After each build the tenant is forgotten (outside the timing), so
its classes are garbage and the cache stays small; the garbage collector stays on, so the
collections a build triggers are part of its cost, as in production.

Baseline, timed alternately with it in the same run: what Django itself needs to define the same
10 plain models from scratch (``benchmarks/fresh_models.py``: the workload's class statements) in a
fresh ``django.apps.registry.Apps`` holding the global Currency.

Reported: median, mean and 90th percentile per build, and the ratio of the medians. Target: a
build within 5 ms. ``--profile`` adds a cProfile of the tenant builds (the top functions).

    python benchmarks/bench_build.py
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--builds", type=int, default=1000, help="builds of each kind (default 1000)")
    parser.add_argument("--profile", action="store_true", help="also profile 200 tenant builds with cProfile")
    args = parser.parse_args()

    harness.setup()
    harness.describe("bench_build.py", sys.argv[1:])

    from django.apps.registry import Apps
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from benchmarks.crm.models import Task
    from benchmarks.fresh_models import define_models
    from benchmarks.shared.models import Currency, Customer
    from tenancy.registry import cache, models_of

    serial = iter(range(1, 10**9))

    def fresh_tenant():
        pk = next(serial)
        return Customer.from_db("default", ["id", "name"], [pk, f"t{pk}"])

    def build_tenant(tenant):
        start = time.perf_counter()
        classes = models_of(tenant)
        elapsed = time.perf_counter() - start
        count = len(list(classes))
        cache.forget("default", tenant.db_schema)
        return elapsed, count

    def build_plain():
        start = time.perf_counter()
        registry = Apps(installed_apps=())
        registry.register_model("shared", Currency)
        classes = define_models(registry)
        return time.perf_counter() - start, classes

    # Sanity: a build runs no SQL, and yields the 10 classes with a resolved M2M.
    with CaptureQueriesContext(connection) as queries:
        _, built = build_tenant(fresh_tenant())
    assert not queries.captured_queries, queries.captured_queries
    assert built == 10, built
    tenant = fresh_tenant()
    assert len(models_of(tenant)) == 10 and Task.for_tenant(tenant).tags.through._meta.auto_created
    assert Task.for_tenant(tenant).project.field.related_model is Task.for_tenant(tenant)._meta.apps.get_model(
        "crm", "Project"
    )
    cache.forget("default", tenant.db_schema)
    _, plain = build_plain()
    assert len(plain) == 10 and plain["Task"].tags.through._meta.auto_created
    del built, plain, tenant

    for _ in range(20):  # warm up
        build_tenant(fresh_tenant())
        build_plain()
    gc.collect()

    tenant_times, plain_times = [], []
    for i in range(args.builds):
        pair = (build_tenant, build_plain) if i % 2 == 0 else (build_plain, build_tenant)
        for fn in pair:
            if fn is build_tenant:
                tenant_times.append(fn(fresh_tenant())[0])
            else:
                plain_times.append(fn()[0])

    def row(name, times):
        p90 = statistics.quantiles(times, n=10)[-1]
        return [name, harness.ms(harness.median(times)), harness.ms(statistics.fmean(times)), harness.ms(p90)]

    print(f"{args.builds} builds of each kind, alternating; a build: 10 models + the auto-created M2M through model")
    harness.table(
        ["build", "median", "mean", "p90"],
        [
            row("tenancy: models_of(new tenant)", tenant_times),
            row("Django: 10 plain models in a fresh Apps", plain_times),
        ],
    )
    t, p = harness.median(tenant_times), harness.median(plain_times)
    print(f"tenant build / plain definition: {t / p:.2f}x (medians)")
    print(f"target: a build within 5 ms: {harness.verdict(t <= 0.005)} ({harness.ms(t)} median)")

    if args.profile:
        profiler = cProfile.Profile()
        tenants = [fresh_tenant() for _ in range(200)]
        profiler.enable()
        for tenant in tenants:
            models_of(tenant)
            cache.forget("default", tenant.db_schema)
        profiler.disable()
        print("\ncProfile of 200 tenant builds, by own time:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(20)
        print("by cumulative time:")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(30)


if __name__ == "__main__":
    main()
