"""Instructions per request of bench_http.py's page, counted by valgrind: tenancy against plain Django.

What ``bench_http.py`` times with gunicorn and wrk, counted instead of timed, so that the figure
does not move with the machine's load: the CPU instructions the Python process executes for one
request of each variant (``plain``, ``plain per tenant``, ``tenancy``, ``middleware only``; see
``httpbench/settings.py``), through Django's WSGI application as ``bench_http.py`` sends it in
process, the Host header rotating over ``--tenants`` tenants. PostgreSQL's own work is not counted
(another process).

Each variant runs twice under ``valgrind --tool=cachegrind``: ``--warm`` rounds over every host
(caches filled), then ``--requests`` requests in one run and ``--requests`` + ``--more`` in the
other; the difference of the two totals over ``--more`` is the figure per request, start-up and
warm-up cancelling out. Valgrind's counts repeat for the same binary and inputs: the children
run with ``PYTHONHASHSEED=0``, without tenancy's invalidation listener (a thread that would run
more the longer a run takes; it does nothing in a request) and with ``TENANCY_ROUTING_TIMEOUT``
out of reach (valgrind's slow runs would otherwise see tenants expire and be looked up again,
the more often the slower the run). With
``--cache-sim`` valgrind also simulates a data cache of ``--cache-kib`` KiB (default 2048, the
L2 of a core of the machine the figures in docs/benchmarks.rst come from) and counts its misses
per request: how much more memory a request touches when each tenant has its own classes, which
the instruction count does not show.

Needs PostgreSQL (DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres) and valgrind
(``apt-get install valgrind``). Its database is ``tenancy_bench_instructions`` (``BENCH_DB_NAME``),
dropped at exit. About two minutes; four with ``--cache-sim``.

    python benchmarks/bench_http_instructions.py --cache-sim
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE / "http"))

VARIANTS = ("plain", "plain per tenant", "tenancy", "middleware only")


def child(variant: str, tenants: int, warm: int, requests: int) -> None:
    """In valgrind: warm ``variant`` up, then send ``requests`` requests through it."""
    import django

    django.setup()
    from bench_http import HOST_PATTERN
    from django.conf import settings

    from tenancy.conf import settings as tenancy_settings

    settings.TENANCY_ROUTING_LISTEN = False  # its thread would run more the longer valgrind runs
    settings.TENANCY_ROUTING_TIMEOUT = 10**9  # nor may the tenants found expire during the slow runs
    tenancy_settings.clear()  # (read again from Django's settings)
    from httpbench.inprocess import variant_settings, wsgi_get

    hosts = [HOST_PATTERN % k for k in range(tenants)]
    with variant_settings(variant) as handler:
        for _ in range(warm):
            for host in hosts:
                wsgi_get(handler, host)
        for i in range(requests):
            status, body = wsgi_get(handler, hosts[i % tenants])
            if status != "200 OK":
                raise SystemExit(f"{variant}: {status} {body[:200]}")


def count(variant: str, requests: int, args, workdir: str) -> dict[str, int]:
    """valgrind's totals for one run of :func:`child`: instructions ("Ir"), and with
    ``--cache-sim`` the simulated data cache's read and write misses ("D1mr", "D1mw")."""
    out = os.path.join(workdir, f"cachegrind.{variant.replace(' ', '_')}.{requests}")
    command = ["valgrind", "--tool=cachegrind", f"--cachegrind-out-file={out}"]
    if args.cache_sim:
        # The simulated "D1" cache stands for the core's L2: valgrind 3.19 ignores --LL when the
        # machine reports an L3, and the L2 is the cache a tenant's classes fall out of.
        command += ["--cache-sim=yes", f"--D1={args.cache_kib * 1024},16,64"]
    else:
        command += ["--cache-sim=no"]
    command += [sys.executable, __file__, "--child", variant, str(args.tenants), str(args.warm), str(requests)]
    environ = {**os.environ, "PYTHONHASHSEED": "0"}  # the same dict layouts in every run
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=environ)
    text = Path(out).read_text()
    events = re.search(r"^events: (.+)$", text, re.M).group(1).split()
    totals = re.search(r"^summary: (.+)$", text, re.M).group(1).split()
    return dict(zip(events, map(int, totals), strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", type=int, default=100, help="tenants, each with its host (default 100)")
    parser.add_argument("--rows", type=int, default=50, help="contacts per tenant (default 50)")
    parser.add_argument("--warm", type=int, default=3, help="warm-up rounds over every host (default 3)")
    parser.add_argument("--requests", type=int, default=100, help="requests of the shorter run (default 100)")
    parser.add_argument("--more", type=int, default=1000, help="requests more in the longer run (default 1000)")
    parser.add_argument("--cache-sim", action="store_true", help="count a simulated cache's misses too")
    parser.add_argument("--cache-kib", type=int, default=2048, help="the simulated cache's size (default 2048)")
    parser.add_argument(
        "--variants",
        default=",".join(VARIANTS),
        help=f"comma-separated, plain first (default {','.join(VARIANTS)}; also 'middleware + plain per tenant')",
    )
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()

    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    os.environ.setdefault("BENCH_DB_NAME", "tenancy_bench_instructions")
    os.environ["DJANGO_SETTINGS_MODULE"] = "httpbench.settings"
    if args.child:
        variant, tenants, warm, requests = args.child
        return child(variant, int(tenants), int(warm), int(requests))
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed: apt-get install valgrind")
    if args.tenants < 3 or args.rows < 10 or args.more < 1:
        parser.error("needs --tenants >= 3, --rows >= 10 and --more >= 1")
    variants = [name.strip() for name in args.variants.split(",") if name.strip()]
    if variants[:1] != ["plain"]:
        parser.error("--variants starts with plain, the baseline")

    from benchmarks import harness

    harness.setup()
    if harness.vendor() != "postgresql":
        raise SystemExit("bench_http_instructions.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    harness.describe("bench_http_instructions.py", sys.argv[1:])
    from bench_http import populate
    from django.db import connection

    populate(args.tenants, args.rows)
    connection.close()

    per_request: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as workdir:
        for variant in variants:
            short = count(variant, args.requests, args, workdir)
            long = count(variant, args.requests + args.more, args, workdir)
            per_request[variant] = {event: (long[event] - short[event]) / args.more for event in long}
            print(f"counted: {variant}", flush=True)
    print()
    plain = per_request["plain"]
    headers = ["per request", "instructions", "vs plain"]
    if args.cache_sim:
        headers += [f"misses of a {args.cache_kib} KiB cache", "vs plain"]
    rows = []
    for variant, events in per_request.items():
        row = [variant, f"{events['Ir'] / 1000:,.1f}k", f"{events['Ir'] / plain['Ir']:.3f}x"]
        if args.cache_sim:
            misses = events["D1mr"] + events["D1mw"]
            row += [f"{misses:,.0f}", f"{misses - plain['D1mr'] - plain['D1mw']:+,.0f}"]
        rows.append(row)
    harness.table(headers, rows)
    print(
        f"\n{args.tenants} tenants; per request: the difference between {args.requests} and "
        f"{args.requests + args.more} requests, over {args.more}; valgrind's cachegrind, PostgreSQL not counted"
    )
    if {"tenancy", "middleware only", "plain per tenant"} <= per_request.keys():
        tenancy, routing = per_request["tenancy"]["Ir"], per_request["middleware only"]["Ir"]
        print(
            f"tenancy / plain: {tenancy / plain['Ir']:.3f}x the instructions; its middleware alone "
            f"{routing - plain['Ir']:+,.0f} per request; tenancy against plain per tenant "
            f"{tenancy - per_request['plain per tenant']['Ir']:+,.0f}"
        )


if __name__ == "__main__":
    main()
