"""Memory: what a tenant's built classes cost, and whether deleting tenants gives it all back.

What is measured, in one process, with ``TENANCY_CACHE_SIZE`` raised so nothing is evicted:

1. 1,000 tenant rows are inserted and loaded (``Customer.objects.filter(...)``), then the classes
   of each are built (``models_of(tenant)``) and used once: a query with joins across the
   tenant's FKs and M2M is compiled to SQL (not run). RSS per tenant = the growth of the resident
   set size (``/proc/self/statm``, after ``gc.collect()``) over those builds / 1,000; Python's
   own count of allocated memory blocks (``sys.getallocatedblocks``) is shown beside it.
2. The tenants are deleted the way an application deletes them (``Customer.objects.filter(...)
   .delete()``: the post_delete handler drops the schema and, on commit, forgets the classes),
   every reference the script held is dropped, and ``gc.collect()`` runs. Then: RSS against
   before the tenants existed, and the number of tenant classes still alive, found two ways:
   weak references to every class built (the M2M through models included) and a scan of
   ``gc.get_objects()``. It must be 0.
3. Steps 1 and 2 are repeated with 1,000 new tenants: with no leak, RSS stays flat from round to
   round (the allocator reuses what round 1 freed even where it does not return it to the OS).

Also reported: how long a full ``gc.collect()`` takes with 1,000 tenants' classes alive, against
the same process without them; and, at the end, RSS after ``malloc_trim(0)`` (glibc), which tells
memory the allocator kept for reuse from memory still in use.

The tenant rows are inserted without provisioning (a plain ``QuerySet.bulk_create``): the classes
do not depend on the tables existing, and creating 1,000 schemas would take minutes. Deleting
them runs the same code as for provisioned tenants (``DROP SCHEMA IF EXISTS``).

    python benchmarks/bench_memory.py
"""

import argparse
import ctypes
import gc
import sys
import time
import weakref
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402

MB = 1024 * 1024


def trim_malloc() -> bool:
    """Ask glibc to give the free memory at the top of its heaps back to the OS (False: no glibc)."""
    try:
        return bool(ctypes.CDLL("libc.so.6").malloc_trim(0)) or True
    except (OSError, AttributeError):
        return False


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", type=int, default=1000, help="tenants per round (default 1000)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of build-then-delete (default 2)")
    args = parser.parse_args()

    harness.setup()
    harness.describe("bench_memory.py", sys.argv[1:])

    from django.db import models
    from django.db.models.base import ModelBase
    from django.test.utils import override_settings

    from benchmarks.crm.models import Task
    from benchmarks.shared.models import Customer
    from tenancy.factory import TenantApps
    from tenancy.registry import cache, models_of

    override_settings(TENANCY_CACHE_SIZE=100 * args.tenants).enable()

    def live_tenant_classes() -> int:
        # type(obj), not isinstance(obj, ...): the latter would set up lazy objects met on the way.
        return sum(
            1
            for obj in gc.get_objects()
            if issubclass(type(obj), ModelBase)
            and isinstance(getattr(obj.__dict__.get("_meta"), "apps", None), TenantApps)
        )

    def full_collect_ms() -> float:
        gc.collect()
        start = time.perf_counter()
        gc.collect()
        return (time.perf_counter() - start) * 1e3

    def settle() -> tuple[int, int]:
        gc.collect()
        return harness.rss_bytes(), sys.getallocatedblocks()

    # Warm up every code path once (imports, Django's caches) so that round 1 does not pay for them.
    models.QuerySet(Customer).bulk_create([Customer(name="warmup")])
    warm = Customer.objects.get(name="warmup")
    str(Task.for_tenant(warm).objects.filter(project__account__name="x", tags__name="y").query)
    Customer.objects.filter(name="warmup").delete()
    del warm

    rss_start, blocks_start = settle()
    gc_idle_ms = full_collect_ms()
    rows = []
    per_tenant = []
    for round_ in range(1, args.rounds + 1):
        prefix = f"r{round_}t"
        models.QuerySet(Customer).bulk_create(Customer(name=f"{prefix}{i}") for i in range(args.tenants))
        tenants = list(Customer.objects.filter(name__startswith=prefix))
        assert len(tenants) == args.tenants
        rss_loaded, blocks_loaded = settle()

        built = weakref.WeakSet()
        start = time.perf_counter()
        for tenant in tenants:
            for model in models_of(tenant):
                built.add(model)
                built.update(field.remote_field.through for field in model._meta.local_many_to_many)
            str(Task.for_tenant(tenant).objects.filter(project__account__name="x", tags__name="y").query)
        build_s = time.perf_counter() - start
        rss_built, blocks_built = settle()
        alive_built = live_tenant_classes()
        gc_built_ms = full_collect_ms()
        assert len(built) == alive_built == 11 * args.tenants, (len(built), alive_built)

        deleted, _ = Customer.objects.filter(name__startswith=prefix).delete()
        assert deleted == args.tenants
        assert not cache.entries
        del tenants, tenant, model
        rss_after, blocks_after = settle()
        alive_after, weak_after = live_tenant_classes(), len(built)

        per_tenant.append((rss_built - rss_loaded) / args.tenants)
        rows.append(
            [
                f"round {round_}",
                f"{build_s / args.tenants * 1e3:.2f} ms",
                f"{(rss_built - rss_loaded) / args.tenants / 1024:.0f} KiB",
                f"{(blocks_built - blocks_loaded) / args.tenants:.0f}",
                f"{gc_built_ms:.0f} ms",
                f"{(rss_after - rss_start) / MB:+.1f} MiB",
                f"{blocks_after - blocks_start:+d}",
                f"{weak_after} / {alive_after}",
            ]
        )

    print(
        f"{args.tenants} tenants per round; RSS at start {rss_start / MB:.1f} MiB, "
        f"a full gc.collect() then takes {gc_idle_ms:.0f} ms"
    )
    harness.table(
        [
            "",
            "build+use",
            "RSS/tenant",
            "blocks/tenant",
            "gc.collect, built",
            "RSS after delete vs start",
            "blocks vs start",
            "live classes after (weakref / gc)",
        ],
        rows,
    )
    print(
        f"RSS per tenant whose classes are built: {per_tenant[0] / 1024:.0f} KiB (round 1, the process's "
        f"first {args.tenants:,} builds; later rounds reuse memory the earlier ones freed)"
    )
    rss_end = harness.rss_bytes()
    if trim_malloc():
        rss_trimmed = harness.rss_bytes()
        print(
            f"RSS after the last round vs start: {(rss_end - rss_start) / MB:+.1f} MiB; after malloc_trim(0), "
            f"which returns glibc's free heap memory to the OS: {(rss_trimmed - rss_start) / MB:+.1f} MiB"
        )
    print(
        f"live tenant classes after deletion: {rows[-1][-1]} "
        f"({harness.verdict(rows[-1][-1] == '0 / 0' and all(row[-1] == '0 / 0' for row in rows))}: must be 0)"
    )


if __name__ == "__main__":
    main()
