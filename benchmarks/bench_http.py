"""HTTP throughput of a tenant's page under gunicorn and wrk: tenancy, plain Django and django-tenants.

The page: ``GET /contacts/``, a view that reads the first 10 contacts by primary key (model
instances) and renders them as JSON, the same code in every variant. ``--tenants`` tenants
(default 100), named ``t00000``, ``t00001``..., are reached at ``t00000.bench.test``...; each has
one account and ``--rows`` contacts (default 50) in its own tables. wrk sends the requests with
the Host header rotating over the tenants' hosts (``http/rotate_hosts.lua``). Both databases are
ANALYZEd once filled.

Five variants, each served by gunicorn with the same options (``--workers`` sync workers, default
1: the worker takes one of the 2 cores, PostgreSQL, wrk and the rest the other), no other
middleware, persistent database connections (``CONN_MAX_AGE = None``), ``DEBUG = False``:

* ``plain``: plain Django, the same view over ``plaincrm.Contact`` (one table of ``--rows``
  contacts, the host ignored). The baseline of tenancy: same venv, same driver (psycopg 3), same
  ``INSTALLED_APPS``.
* ``plain per tenant``: plain Django, the same view over a copy of ``plaincrm.Contact`` per tenant
  (a class made with ``type()`` on a table of its own, ``plaincrm_contact_t00042``, with the
  tenant's rows; the host's first label picks it, unchecked): what a class and a table per tenant
  cost without tenancy, against the same baseline as tenancy.
* ``tenancy``: ``TenantMiddleware`` routing by subdomain (``TENANCY_BASE_DOMAIN = "bench.test"``,
  ``TENANCY_URLCONF`` for tenant requests); the view reads ``Contact.for_tenant(request.tenant)``.
* ``peer plain``: plain Django in the django-tenants venv (``benchmarks/.venv-peer``: the same
  Django, psycopg2), over one tenant's schema: the baseline of django-tenants, on its driver.
* ``django-tenants``: django-tenants 4.0.1 as documented, ``TenantMainMiddleware`` and a
  ``Domain`` per tenant (``peer_django_tenants/run.py serve``, in its own database; nothing of
  tenancy imported).

Timed: after ``--warmup`` seconds of load on each server (every tenant's host requested, every
cache filled), ``--rounds`` rounds (default 3); in each round every variant is loaded for
``--duration`` seconds (default 10) by ``wrk -t1 -c4`` (``--threads``, ``--connections``), one
after the other, each next to its baseline, the order alternating from round to round.
Requests/s is wrk's count of responses over the run's duration, the figure the median over the
rounds. Each ratio compares a variant with its baseline round by round (the two runs next to each
other) and is the median of those ratios. Target: tenancy at least 0.95x plain Django. Also
shown: the CPU time gunicorn's worker used per request during the timed runs (from /proc),
which the machine's load moves less than requests/s.

Counted in this process at the driver (a cursor class noting every statement, so that what a
middleware sends on a cursor of its own is counted too): the SQL statements of one request of
each variant (the peer counts its own in a process configured as its servers), and what
resolving the tenant costs tenancy on a cold cache (one query, on the tenant model's unique
routing field) and on a warm one (none). Timed in this process, without HTTP, the requests going
through the WSGI application as gunicorn calls it, interleaved: plain Django, tenancy, and
tenancy's middleware in front of plain's view, and the view's SELECT alone on plain's table and
on the tenants' tables in turn: where the difference goes. ``--profile N`` adds a cProfile of N
tenancy requests through the WSGI application.

The machine has 2 cores, shared by gunicorn's worker, PostgreSQL, wrk and anything else running:
absolute figures move with the load (printed at start, at each round and at the end); the ratios
of runs close in time are the figures to read. ``--no-peer`` leaves django-tenants out.

Needs PostgreSQL (DATABASE_URL, else postgres://postgres@127.0.0.1:5432/postgres), gunicorn in
this environment (the test extras have it) and wrk (``apt-get install wrk``). Its database is
``tenancy_bench_http`` (``BENCH_DB_NAME``), dropped at exit; the peer's is its own. About four
minutes (the first run also creates the peer's venv).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/bench_http.py
"""

from __future__ import annotations

import argparse
import atexit
import json
import os
import shlex
import shutil
import signal
import statistics
import sys
import time
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE / "http"))  # the served project, httpbench (no package of benchmarks: see its docstring)

from benchmarks import harness  # noqa: E402

KEY_PATTERN = "t%05d"  # tenant k's name, as the peer names its schemas
HOST_PATTERN = KEY_PATTERN + ".bench.test"
PLAIN_KEY = "public"  # in plain Django's rows where a tenant's have the tenant's name (as long as one)
PATH = "/contacts/"
TARGET = 0.95


def fill(account_model, contact_model, key: str, rows: int) -> None:
    """One account and ``rows`` contacts, the contacts' addresses naming ``key``."""
    account = account_model.objects.create(name="Account", slug="account")
    contact_model.objects.bulk_create(
        contact_model(account=account, first_name=f"First {j}", last_name=f"Last {j}", email=f"c{j}@{key}.example")
        for j in range(rows)
    )


def populate(tenants: int, rows: int) -> list:
    """The tenants with their rows, the same rows in plain Django's tables (one, and one per tenant),
    then ANALYZE; the tenants."""
    from django.db import connection

    from benchmarks.crm.models import Account, Contact
    from benchmarks.plaincrm import models as plain
    from benchmarks.shared.models import Customer

    made = []
    for k in range(tenants):
        tenant = Customer.objects.create(name=KEY_PATTERN % k)
        fill(Account.for_tenant(tenant), Contact.for_tenant(tenant), tenant.name, rows)
        made.append(tenant)
    fill(plain.Account, plain.Contact, PLAIN_KEY, rows)
    with connection.cursor() as cursor:
        for tenant in made:  # plain per tenant: plain's table and rows again, as each tenant's
            table = f"plaincrm_contact_{tenant.name}"
            cursor.execute(f'CREATE TABLE "{table}" (LIKE "plaincrm_contact" INCLUDING ALL)')
            cursor.execute(
                f'INSERT INTO "{table}" SELECT id, account_id, first_name, last_name, '
                f"replace(email, '@{PLAIN_KEY}.', '@{tenant.name}.'), phone, created_at FROM \"plaincrm_contact\""
            )
        cursor.execute("ANALYZE")  # plans as on tables autovacuum has seen, the same on both sides
    return made


def routing_index(key: str) -> tuple[str, str]:
    """The unique index on the tenant model's routing field, which the cold lookup filters on, and
    the plan PostgreSQL picks for the lookup of ``key`` (on a table this small, maybe no index)."""
    from django.db import connection

    from tenancy.conf import settings
    from tenancy.utils import get_tenant_model

    model = get_tenant_model()
    column = model._meta.get_field(settings.TENANCY_ROUTING_FIELD).column
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s AND indexdef LIKE %s",
            [model._meta.db_table, f"CREATE UNIQUE INDEX % ({column})"],
        )
        row = cursor.fetchone()
    index = f"unique index {row[0]} on {model._meta.db_table}({column})" if row else "NO unique index"
    query = model._base_manager.filter(**{settings.TENANCY_ROUTING_FIELD: key}).order_by("pk")[:1]
    plan = " / ".join(line.strip() for line in query.explain().splitlines())
    return index, plan


def check_server(name: str, port: int, tenants: int, shows: str | None, routed: bool) -> None:
    """A tenant's page shows that tenant's 10 contacts (``shows``: those of that one key, whatever
    the host); on a ``routed`` variant, a host no tenant has is a 404."""
    from httpbench.serving import http_get

    for k in (0, tenants // 2, tenants - 1):
        host, key = HOST_PATTERN % k, shows or KEY_PATTERN % k
        status, body = http_get(port, host, PATH)
        contacts = json.loads(body)["contacts"] if status == 200 else []
        if len(contacts) != 10 or not all(c["email"].endswith(f"@{key}.example") for c in contacts):
            raise SystemExit(f"{name}: GET {PATH} for {host} did not give {key}'s 10 contacts: {status} {body[:200]}")
    if routed:
        status, _ = http_get(port, "nobody.bench.test", PATH)
        if status != 404:
            raise SystemExit(f"{name}: a host no tenant has gave {status}, not 404")


def round_order(variants: dict, round_: int) -> list[str]:
    """The order of the variants' runs in round ``round_``: each variant next to its baseline (a
    baseline of two between them), so that the two runs of a ratio are close in time; which goes
    first alternates from round to round, and so does which group goes first."""
    compared: dict[str, list[str]] = {}
    for name, variant in variants.items():
        if baseline := variant.get("baseline"):
            compared.setdefault(baseline, []).append(name)
    groups = [[*names[:1], baseline, *names[1:]] for baseline, names in compared.items()]
    groups = [group if round_ % 2 == 0 else group[::-1] for group in groups]
    if (round_ // 2) % 2:
        groups.reverse()
    return [name for group in groups for name in group]


def ratios(runs: dict[str, list[dict]], name: str, baseline: str) -> list[float]:
    """``name``'s requests/s over ``baseline``'s, round by round."""
    return [a["rps"] / b["rps"] for a, b in zip(runs[name], runs[baseline], strict=True)]


def short(sql: str, width: int = 110) -> str:
    return sql if len(sql) <= width else sql[: width - 3] + "..."


def counts(per_request: list[int]) -> str:
    return "/".join(map(str, sorted(set(per_request))))


def print_results(variants: dict, runs: dict[str, list[dict]], peer: dict | None) -> float:
    """The table of the HTTP runs and the ratios; returns tenancy / plain."""
    rows = []
    for name, variant in variants.items():
        results, baseline = runs[name], variant.get("baseline")
        ratio = f"{statistics.median(ratios(runs, name, baseline)):.3f}x of {baseline}" if baseline else "baseline"
        rows.append(
            [
                variant["label"],
                f"{statistics.median(r['rps'] for r in results):.0f}",
                " ".join(f"{r['rps']:.0f}" for r in results),
                f"{statistics.median(r['latency_us']['p50'] for r in results) / 1000:.2f} ms",
                harness.us(statistics.median(r["cpu_s"] / r["requests"] for r in results)),
                str(sum(r["error_count"] for r in results)),
                counts(variant["sql"]),
                ratio,
            ]
        )
    headers = ["variant", "req/s (median)", "each round", "p50 latency", "worker CPU/req", "errors", "SQL/req", "ratio"]
    harness.table(headers, rows)

    tenancy = ratios(runs, "tenancy", "plain")
    ratio = statistics.median(tenancy)
    medians = {name: statistics.median(r["rps"] for r in runs[name]) for name in variants}
    print(
        f"tenancy / plain Django:        {ratio:.3f}x   target >= {TARGET}: {harness.verdict(ratio >= TARGET)}\n"
        f"                               (median of the rounds' ratios {', '.join(f'{r:.3f}' for r in tenancy)}; "
        f"ratio of the medians {medians['tenancy'] / medians['plain']:.3f})"
    )
    cpu = {name: statistics.median(r["cpu_s"] / r["requests"] for r in runs[name]) for name in variants}
    print(
        f"                               the worker's CPU per request: tenancy {harness.us(cpu['tenancy'])}, "
        f"plain {harness.us(cpu['plain'])} ({cpu['tenancy'] / cpu['plain']:.3f}x; less moved by the load)"
    )
    per_tenant = ratios(runs, "plain per tenant", "plain")
    print(
        f"plain per tenant / plain:      {statistics.median(per_tenant):.3f}x "
        f"(rounds {', '.join(f'{r:.3f}' for r in per_tenant)}; worker CPU "
        f"{cpu['plain per tenant'] / cpu['plain']:.3f}x): a class and a table per tenant, without tenancy\n"
        f"tenancy / plain per tenant:    {statistics.median(ratios(runs, 'tenancy', 'plain per tenant')):.3f}x "
        f"(worker CPU {cpu['tenancy'] / cpu['plain per tenant']:.3f}x): what tenancy adds to that"
    )
    if peer is not None:
        peer_ratios = ratios(runs, "django-tenants", "peer plain")
        print(
            f"django-tenants / plain Django: {statistics.median(peer_ratios):.3f}x\n"
            f"                               (against plain Django in its venv, on its driver: rounds "
            f"{', '.join(f'{r:.3f}' for r in peer_ratios)}; against tenancy's plain Django: "
            f"{statistics.median(ratios(runs, 'django-tenants', 'plain')):.3f}x)\n"
            f"peer plain / plain Django:     {statistics.median(ratios(runs, 'peer plain', 'plain')):.3f}x "
            "(the same app on psycopg2 rather than psycopg 3: what the driver alone changes)"
        )
    print()
    return ratio


def print_statements(counted: dict, peer: dict | None, index: str, plan: str) -> None:
    print("SQL statements per request, counted at the driver, on warm processes:")
    print(f"  plain Django:   {counts(counted['plain'])}")
    for sql in counted["plain statements"]:
        print(f"                  {short(sql)}")
    print(f"  plain per tenant: {counts(counted['plain per tenant'])}, the same SELECT on the tenant's copy of it")
    print(f"  tenancy:        {counts(counted['tenancy'])}, the same SELECT on the tenant's table:")
    for sql in counted["tenancy statements"]:
        print(f"                  {short(sql)}")
    if peer is not None:
        statements = peer["variants"]["django-tenants"]["sql"]["statements_of_one_request"]
        print(f"  django-tenants: {len(statements)} (counted by the peer, in a process configured as its servers):")
        for sql in statements:
            print(f"                  {short(sql)}")
    view = len(counted["plain statements"])  # the view's own statements
    cold, warm = len(counted["cold"]) - view, len(counted["warm"]) - view
    ok = cold <= 1 and warm == 0 and not index.startswith("NO")
    print(
        f"Resolving the tenant (tenancy): {cold} statement(s) on a cold cache, {warm} on a warm one; "
        f"target at most 1 indexed query cold, 0 warm: {harness.verdict(ok)}"
    )
    for sql in counted["cold"]:
        if "crm_contact" not in sql:
            print(f"  cold: {short(sql)}")
    print(f"  filtering on the {index}")
    print(f"  PostgreSQL's plan for it here: {plan}")
    print()


def print_in_process(requests: dict[str, dict[str, list]], sql: dict[str, list[float]], number: int) -> None:
    """Where the difference between plain Django and tenancy goes, from the in-process timings."""

    def m(name: str, clock: str = "wall") -> float:
        return statistics.median(requests[name][clock])

    plain, tenancy, routing = m("plain"), m("tenancy"), m("middleware only")
    sql_plain, sql_tenancy = statistics.median(sql["plain"]), statistics.median(sql["tenancy"])
    cpu = {name: m(name, "cpu") for name in requests}
    rest = tenancy - routing - (sql_tenancy - sql_plain)
    rest_cpu = cpu["tenancy"] - cpu["middleware only"]
    print(
        f"In this process, without HTTP: medians of {len(sql['plain'])} samples of {number}, interleaved; "
        "wall-clock, and the CPU time of this process (PostgreSQL's excluded), which the load moves less:"
    )
    harness.table(
        ["per request", "plain Django", "tenancy", "more (wall)", "more (CPU)"],
        [
            [
                "the request through the WSGI application",
                harness.us(plain),
                harness.us(tenancy),
                harness.us(tenancy - plain),
                harness.us(cpu["tenancy"] - cpu["plain"]),
            ],
            [
                "  TenantMiddleware alone, before plain's view",
                "",
                harness.us(routing),
                harness.us(routing - plain),
                harness.us(cpu["middleware only"] - cpu["plain"]),
            ],
            [
                "  the view's SELECT alone, one table / the tenants' in turn",
                harness.us(sql_plain),
                harness.us(sql_tenancy),
                harness.us(sql_tenancy - sql_plain),
                "",
            ],
            ["  the rest: the view over a class per tenant, in turn", "", "", harness.us(rest), harness.us(rest_cpu)],
        ],
    )
    print(f"time ratio tenancy / plain: {tenancy / plain:.3f}, i.e. a throughput of {plain / tenancy:.3f}x in process")


def serve(servers, args, counted: dict, driver: str) -> tuple[dict, dict | None, str]:
    """Start this side's two servers, wait for the peer's, check each one's page: the variants
    (port, gunicorn pid, label, statements per request, baseline), the peer's ready line and the
    gunicorn command line."""
    from django.conf import settings

    db_name = settings.DATABASES["default"]["NAME"]
    variants = {}
    for name, label, baseline in (
        ("plain", f"plain Django ({driver})", None),
        ("plain per tenant", "plain Django, a class and table per tenant", "plain"),
        ("tenancy", "tenancy", "plain"),
    ):
        port, pid, command = servers.start_gunicorn(name, args.workers, db_name)
        variants[name] = {"port": port, "pid": pid, "label": label, "sql": counted[name], "baseline": baseline}
        variants[name]["routed"] = name == "tenancy"
    variants["plain"]["shows"] = PLAIN_KEY
    peer = None
    if not args.no_peer:
        peer = servers.peer_ready()
        for name, label, baseline in (
            ("peer plain", f"plain Django, peer venv (psycopg2 {peer['psycopg2']})", None),
            ("django-tenants", f"django-tenants {peer['django_tenants']}", "peer plain"),
        ):
            served = peer["variants"]["plain" if name == "peer plain" else name]
            variants[name] = {"port": served["port"], "pid": served["pid"], "label": label, "baseline": baseline}
            variants[name]["sql"] = served["sql"]["statements_per_request"]
            variants[name]["routed"] = name == "django-tenants"
        variants["peer plain"]["shows"] = peer["plain_schema"]
    for name, variant in variants.items():
        check_server(name, variant["port"], args.tenants, variant.get("shows"), variant["routed"])
    return variants, peer, command


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tenants", type=int, default=100, help="tenants, each with its host (default 100)")
    parser.add_argument("--rows", type=int, default=50, help="contacts per tenant, and in plain's table (default 50)")
    parser.add_argument("--workers", type=int, default=1, help="gunicorn sync workers per server (default 1)")
    parser.add_argument("--threads", type=int, default=1, help="wrk threads (default 1)")
    parser.add_argument("--connections", type=int, default=4, help="wrk connections (default 4)")
    parser.add_argument("--warmup", type=float, default=5, help="seconds of untimed load per server first (default 5)")
    parser.add_argument("--duration", type=float, default=10, help="seconds of each timed wrk run (default 10)")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs per variant, interleaved (default 3)")
    parser.add_argument("--in-process", type=int, default=500, metavar="N", help="requests per in-process sample")
    parser.add_argument("--profile", type=int, default=0, metavar="N", help="cProfile N tenancy requests in process")
    parser.add_argument("--no-peer", action="store_true", help="leave django-tenants out")
    args = parser.parse_args()
    if args.tenants < 3 or args.rows < 10 or min(args.workers, args.threads, args.rounds, args.in_process) < 1:
        parser.error("needs --tenants >= 3, --rows >= 10 (the view reads 10), and the counts >= 1")
    if args.connections < args.threads:
        parser.error("wrk needs --connections >= --threads")
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed: apt-get install wrk")
    try:
        import gunicorn  # noqa: F401
    except ImportError:
        raise SystemExit("gunicorn is not installed in this environment: pip install gunicorn") from None

    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    os.environ.setdefault("BENCH_DB_NAME", "tenancy_bench_http")
    os.environ["DJANGO_SETTINGS_MODULE"] = "httpbench.settings"
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # so that the servers stop, the database goes
    harness.setup()
    if harness.vendor() != "postgresql":
        raise SystemExit("bench_http.py needs PostgreSQL: set DATABASE_URL=postgres://...")
    harness.describe("bench_http.py", sys.argv[1:])

    from django.conf import settings
    from django.db import connection
    from httpbench import inprocess
    from httpbench.serving import Servers, load, wrk_command, wrk_version

    from benchmarks.crm.models import Contact
    from benchmarks.plaincrm.models import Contact as PlainContact
    from tenancy.invalidation import stop_listening

    atexit.register(stop_listening)  # before the database is dropped (atexit: last registered, first run)
    servers = Servers()
    if not args.no_peer:
        servers.start_peer(args.tenants, args.rows, args.workers, settings.DATABASE_URL)
    started = time.perf_counter()
    tenants = populate(args.tenants, args.rows)
    print(f"set-up:   {args.tenants} tenants with {args.rows} contacts each, in {time.perf_counter() - started:.1f} s")

    hosts = [HOST_PATTERN % k for k in range(args.tenants)]
    counted = inprocess.count_statements(hosts[:20])
    index, plan = routing_index(KEY_PATTERN % 1)
    in_process = inprocess.time_requests(["plain", "tenancy", "middleware only"], hosts, 11, args.in_process)
    sql = inprocess.time_sql(
        PlainContact.objects.order_by("pk")[:10],
        [Contact.for_tenant(t).objects.order_by("pk")[:10] for t in tenants],
        rounds=11,
        number=args.in_process,
    )
    driver = f"{connection.Database.__name__} {connection.Database.__version__.split()[0]}"
    connection.close()

    variants, peer, command = serve(servers, args, counted, driver)

    def wrk(port: int, seconds: float) -> list[str]:
        return wrk_command(port, seconds, args.threads, args.connections, PATH, args.tenants, HOST_PATTERN)

    print(f"gunicorn: {command}")
    print("          (every variant; the app: httpbench.wsgi:application, in the peer venv web.wsgi:application)")
    print(f"wrk:      {shlex.join(wrk(0, args.duration)).replace(':0 ', ':<port> ')}")
    print(
        f"          ({args.rounds} rounds of {args.duration:g} s per variant, interleaved, each variant next to "
        f"its baseline, the order alternating; after {args.warmup:g} s of warm-up load on each server)"
    )
    print()

    for variant in variants.values():
        load(wrk(variant["port"], args.warmup), variant["pid"])
    runs: dict[str, list[dict]] = {name: [] for name in variants}
    for round_ in range(args.rounds):
        load_average = os.getloadavg()[0]
        for name in round_order(variants, round_):
            runs[name].append(load(wrk(variants[name]["port"], args.duration), variants[name]["pid"]))
        done = ", ".join(f"{name} {runs[name][-1]['rps']:.0f}" for name in variants)
        print(f"round {round_ + 1}/{args.rounds} (load {load_average:.2f} at its start): {done} requests/s", flush=True)
    print()
    errors = sum(r["error_count"] for results in runs.values() for r in results)
    if errors:
        print(f"WARNING: {errors} failed requests (errors column): wrk counts error responses as requests\n")

    ratio = print_results(variants, runs, peer)
    print_statements(counted, peer, index, plan)
    print_in_process(in_process, sql, args.in_process)
    servers_used = f"gunicorn {version('gunicorn')}" + (f" (peer venv: {peer['gunicorn']})" if peer else "")
    print(
        f"{servers_used}, sync workers per server: {args.workers}; "
        f"{wrk_version()}: {args.threads} thread(s), {args.connections} connections"
    )
    if args.profile:
        print()
        inprocess.profile(hosts, args.profile)
    elif ratio < TARGET:
        print("The target is missed: --profile N adds a cProfile of N tenancy requests.")


if __name__ == "__main__":
    main()
