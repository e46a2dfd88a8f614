"""``run.py serve``: django-tenants and plain Django served by gunicorn, for ``benchmarks/bench_http.py``.

In its own database (``peer_bench_<pid>``, as every ``run.py`` subcommand), it makes ``--tenants``
django-tenants tenants ``t00000``, ``t00001``... with the domains ``t00000.bench.test``... and
fills each one's ``crm_contact`` with ``--rows`` contacts (and one account); then it counts the SQL
statements a request sends in each variant (``web/count.py``) and starts two gunicorn servers on
free ports of 127.0.0.1, the same view behind both (``web/``):

* ``django-tenants``: ``TenantMainMiddleware``, the tenant found by its domain;
* ``plain``: plain Django in this same venv (Django's own backend, no middleware), over the first
  tenant's schema: the baseline that runs on the same Django and the same driver (psycopg2).

When both answer, it prints one line of JSON starting ``{"ready": true`` (ports, host pattern,
statement counts, versions) and serves until its standard input is closed; it then stops the
servers, drops its database, and prints its final JSON line. Nothing here imports tenancy.
"""

from __future__ import annotations

import atexit
import json
import os
import socket
import subprocess
import sys
import time
from importlib.metadata import version
from pathlib import Path

from run import HERE, BenchDatabase, create_tenants, environment, log, setup_django

HOST_PATTERN = "t%05d.bench.test"  # the host of tenant k, as bench_http.py's wrk script makes it
VARIANTS = ("django-tenants", "plain")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_listening(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"peer: gunicorn on port {port} exited with status {process.returncode}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"peer: gunicorn on port {port} did not start in {timeout:.0f} s")


def gunicorn_command(port: int, workers: int) -> list[str]:
    """The command line of a server: the options of bench_http.py's own (``httpbench.serving``)."""
    return [
        *(sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)),
        *("--worker-class", "sync", "--log-level", "warning", "web.wsgi:application"),
    ]


def fill(names: list[str], rows: int) -> None:
    """One account and ``rows`` contacts in each tenant's schema; then ANALYZE, as bench_http.py does."""
    from crm.models import Account, Contact
    from django.db import connection

    for name in names:
        connection.set_schema(name)
        account = Account.objects.create(name="Account", slug="account")
        Contact.objects.bulk_create(
            Contact(account=account, first_name=f"First {j}", last_name=f"Last {j}", email=f"c{j}@{name}.example")
            for j in range(rows)
        )
    connection.set_schema_to_public()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # plans as on tables autovacuum has seen


def variant_environment(variant: str, plain_schema: str, package: Path) -> dict:
    pythonpath = os.pathsep.join([str(HERE), str(package.parent), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "web.settings",
        "PEER_HTTP_VARIANT": variant,
        "PEER_HTTP_PLAIN_SCHEMA": plain_schema,
        "PYTHONPATH": pythonpath,
    }


def cmd_serve(args) -> dict:
    database = BenchDatabase(args.database_url)
    package = setup_django(database, args)
    env = environment(database)

    from customers.models import Domain
    from django.db import connections
    from django.db.models import Value
    from django.db.models.functions import Replace

    log(f"peer: creating {args.tenants} tenants with {args.rows} contacts each")
    names = create_tenants(args.tenants, prefix="t")
    Domain.objects.update(domain=Replace("domain", Value(".peer.test"), Value(".bench.test")))
    hosts = [HOST_PATTERN % k for k in range(args.tenants)]
    assert sorted(Domain.objects.values_list("domain", flat=True)) == sorted(hosts)
    fill(names, args.rows)
    connections.close_all()

    servers: dict[str, subprocess.Popen] = {}

    def stop() -> None:
        for process in servers.values():
            if process.poll() is None:
                process.terminate()
        for process in servers.values():
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    atexit.register(stop)  # before the database is dropped (atexit runs in reverse order)

    variants = {}
    for variant in VARIANTS:
        variant_env = variant_environment(variant, names[0], package)
        counted = subprocess.run(
            [sys.executable, "-m", "web.count", *hosts[: min(len(hosts), 20)]],
            cwd=HERE,
            env=variant_env,
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        port = free_port()
        command = gunicorn_command(port, args.workers)
        servers[variant] = subprocess.Popen(command, cwd=HERE, env=variant_env, stdout=sys.stderr)
        variants[variant] = {
            "port": port,
            "pid": servers[variant].pid,
            "command": " ".join(command[1:]),
            "sql": json.loads(counted.stdout.strip().splitlines()[-1]),
        }
    for variant, process in servers.items():
        wait_until_listening(variants[variant]["port"], process)
        log(f"peer: {variant} listening on 127.0.0.1:{variants[variant]['port']}")

    ready = {
        "ready": True,
        **env,
        "tenants": args.tenants,
        "rows": args.rows,
        "host_pattern": HOST_PATTERN,
        "plain_schema": names[0],
        "workers": args.workers,
        "gunicorn": version("gunicorn"),
        "variants": variants,
    }
    print(json.dumps(ready), flush=True)
    sys.stdin.read()  # serve until whoever started us closes our standard input
    log("peer: stopping the servers")
    stop()
    return {"benchmark": "serve", **env, "stopped": True}
