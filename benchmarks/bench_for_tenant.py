"""``Model.for_tenant(tenant)`` on a warm cache, against a plain dict lookup.

What is measured: the time of one ``Account.for_tenant(tenant)`` call once the tenant's classes
are built and the tenant instance has been used before (the hot path: the instance keeps a
reference to its classes), next to two baselines timed in the same run, interleaved round by
round:

* ``classes[Account]``: a bare dict lookup, the floor;
* ``lookup(Account, tenant)``: the same dict lookup inside a function call, which is what any
  per-tenant registry has to cost at least.

Also shown, without a target: ``tenant.models[Account]``; and the first ``for_tenant`` call on a
tenant instance freshly loaded from the database while the cache is warm (what every request
that loads its tenant pays once: the cache is looked up by (database, schema)). That row is timed
against ``next(iterator)``, the cost of handing each call a fresh instance.

Times are medians over ``--rounds`` samples, each the mean of ``--number`` calls (timeit-style,
garbage collector off), the loop overhead included. Target: ``for_tenant`` within 2x of a plain
dict lookup.

    python benchmarks/bench_for_tenant.py
"""

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import harness  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=31, help="samples per case (default 31)")
    parser.add_argument("--number", type=int, default=200_000, help="calls per sample (default 200000)")
    args = parser.parse_args()

    harness.setup()
    harness.describe("bench_for_tenant.py", sys.argv[1:])

    from benchmarks.crm.models import Account
    from benchmarks.shared.models import Customer

    tenant = Customer.objects.create(name="acme")
    classes = {Account: Account.for_tenant(tenant)}  # builds the classes: the cache is warm from here
    assert tenant.models[Account] is classes[Account]

    def lookup(model, tenant):
        return classes[model]

    namespace = {"Account": Account, "tenant": tenant, "classes": classes, "lookup": lookup}
    cases = {
        "classes[Account]  (bare dict lookup)": "classes[Account]",
        "lookup(Account, tenant)  (function + dict lookup)": "lookup(Account, tenant)",
        "Account.for_tenant(tenant)": "Account.for_tenant(tenant)",
        "tenant.models[Account]": "tenant.models[Account]",
        "pass  (the timing loop alone)": "pass",
    }
    samples = harness.interleaved(cases, rounds=args.rounds, number=args.number, namespace=namespace)
    medians = {name: harness.median(times) for name, times in samples.items()}
    names = list(cases)
    bare, wrapped, for_tenant = (medians[name] for name in names[:3])
    loop = medians[names[-1]]

    print(f"Warm cache, same tenant instance: median of {args.rounds} x {args.number:,} calls")
    rows = []
    for name in names:
        t = medians[name]
        if name == names[-1]:
            rows.append([name, harness.ns(t), "", "", ""])
        else:
            net = harness.ns(max(t - loop, 0.0))
            rows.append([name, harness.ns(t), net, f"{t / bare:.2f}x", f"{t / wrapped:.2f}x"])
    harness.table(["case", "per call", "minus loop", "vs bare", "vs lookup()"], rows)

    # The first call on a freshly loaded instance of a tenant whose classes are cached.
    number = max(args.number // 100, 100)
    total = number * args.rounds
    fresh = [Customer.from_db("default", ["id", "name"], [tenant.pk, tenant.name]) for _ in range(total)]
    control = [object() for _ in range(total)]
    fresh_ns = {"Account": Account, "fresh": iter(fresh), "control": iter(control)}
    fresh_cases = {
        "Account.for_tenant(next(fresh))": "Account.for_tenant(next(fresh))",
        "next(control)  (handing out the instance)": "next(control)",
    }
    fresh_samples = harness.interleaved(fresh_cases, rounds=args.rounds, number=number, namespace=fresh_ns)
    first, handout = (harness.median(fresh_samples[name]) for name in fresh_cases)
    assert all(Account.for_tenant(t) is classes[Account] for t in fresh)
    print(f"Warm cache, first call on a freshly loaded tenant instance: median of {args.rounds} x {number:,} calls")
    harness.table(
        ["case", "per call", "minus hand-out"],
        [
            ["Account.for_tenant(fresh instance)", harness.ns(first), harness.ns(first - handout)],
            [list(fresh_cases)[1], harness.ns(handout), ""],
        ],
    )

    print(
        f"for_tenant / bare dict lookup: {for_tenant / bare:.2f}x; "
        f"for_tenant / function-wrapped dict lookup: {for_tenant / wrapped:.2f}x"
    )
    print(
        f"  target: within 2x of a plain dict lookup: vs bare {harness.verdict(for_tenant <= 2 * bare)}, "
        f"vs lookup() {harness.verdict(for_tenant <= 2 * wrapped)}"
    )


if __name__ == "__main__":
    main()
