"""Memory while one process touches many tenants: bounded by ``TENANCY_CACHE_SIZE``.

What is measured, in one process, with ``TENANCY_CACHE_SIZE`` at its default, 100: 10,000 tenants
are loaded from the database and each is used once (its classes are built, and a query with joins
across its FKs and M2M is compiled to SQL), as a maintenance command or a busy web worker would.
The resident set size (``/proc/self/statm``, after ``gc.collect()``) is read after every 1,000
tenants. The baseline, from the same run, is the RSS growth after the first 100 tenants, the
cache's size: with the cache bounded, touching 100 times as many tenants costs a small multiple of
it (the allocator keeps some of what evicted tenants freed) and RSS stops growing once the first
evictions have happened, where an unbounded cache would grow linearly (ratio near 100).

The tenant rows are inserted without provisioning (building classes needs no tables).

    python benchmarks/bench_touch.py [--tenants 10000] [--cache-size 100]
"""

import argparse
import gc
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

MB = 1024 * 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", type=int, default=10_000, help="tenants to touch (default 10000)")
    parser.add_argument("--step", type=int, default=1_000, help="report every STEP tenants (default 1000)")
    parser.add_argument("--cache-size", type=int, default=100, help="TENANCY_CACHE_SIZE (default 100)")
    args = parser.parse_args()

    harness.setup()
    harness.describe("bench_touch.py", sys.argv[1:])

    from django.db import models
    from django.test.utils import override_settings

    from benchmarks.crm.models import Task
    from benchmarks.shared.models import Customer
    from tenancy.conf import settings
    from tenancy.registry import cache

    override_settings(TENANCY_CACHE_SIZE=args.cache_size).enable()
    size = settings.TENANCY_CACHE_SIZE

    def rss() -> int:
        gc.collect()
        return harness.rss_bytes()

    def touch(tenant) -> None:
        str(Task.for_tenant(tenant).objects.filter(project__account__name="x", tags__name="y").query)

    models.QuerySet(Customer).bulk_create(Customer(name=f"touch{i}") for i in range(args.tenants))
    # Warm up every code path (imports, Django's caches) on a tenant that is not counted.
    models.QuerySet(Customer).bulk_create([Customer(name="warmup")])
    touch(Customer.objects.get(name="warmup"))
    cache.clear()
    start = rss()

    rows = []
    growth = {}  # tenants touched -> RSS growth
    for i, tenant in enumerate(Customer.objects.filter(name__startswith="touch").iterator(), start=1):
        touch(tenant)
        if i == size or i % args.step == 0:
            growth[i] = rss() - start
            label = f"{i:,} (the cache's size)" if i == size else f"{i:,}"
            rows.append([label, f"{growth[i] / MB:.1f} MiB", len(cache.entries)])
    print(f"TENANCY_CACHE_SIZE = {size}; RSS at start {start / MB:.1f} MiB")
    harness.table(["tenants touched", "RSS growth", "tenants cached"], rows)
    final, bound, first_step = growth[args.tenants], growth[size], growth[max(args.step, size)]
    print()
    print(
        f"RSS growth after {args.tenants:,} tenants / after {size} (the cache's size): {final / bound:.2f}x "
        f"({final / MB:.1f} MiB / {bound / MB:.1f} MiB)"
    )
    # Past the first evictions the allocator reuses what evicted tenants freed: RSS must stay flat.
    late = final - first_step
    print(f"RSS growth over the last {args.tenants - max(args.step, size):,} tenants: {late / MB:.1f} MiB")
    bounded = len(cache.entries) <= size and late < 0.05 * bound
    print(f"memory bounded by the cache size (flat after the first evictions): {harness.verdict(bounded)}")
    Customer.objects.filter(name__startswith="touch").delete()


if __name__ == "__main__":
    main()
