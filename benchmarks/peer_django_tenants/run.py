"""The django-tenants peer of tenancy's benchmarks: provisioning and migrating schema tenants.

Start it with any Python 3.11+ (``python benchmarks/peer_django_tenants/run.py ...``): it creates
``benchmarks/.venv-peer`` with ``requirements.txt`` (again when that file changes) and runs itself
again inside it. The workload is the 10-model CRM app of ``shared/workload/crm_models.py``, here
the TENANT_APPS app ``crm``, with Currency in the shared app ``shared`` (see README.rst).

Subcommands (each prints one JSON object as the last line of stdout; progress goes to stderr):

``provision --samples N``
    ``Client(schema_name=...).save()`` of one new tenant: the cold path (``CREATE SCHEMA`` and
    ``migrate_schemas`` for the schema) and the clone path (``TENANT_CREATION_FAKES_MIGRATIONS``
    with ``TENANT_BASE_SCHEMA``: pg-clone-schema's ``clone_schema()`` of a template tenant, then a
    faked migrate), timed alternately.
``migrate --tenants N``
    N tenants at the CRM app's initial migration, then a second migration (one field with a
    default and one index on Task): ``migrate_schemas --tenant`` over the N tenants with the
    standard executor, then (after migrating back to 0001) with the multiprocessing executor.
``noop --tenants N``
    ``migrate_schemas --tenant`` over N tenants with nothing to apply.
``serve --tenants N --rows R --workers W``
    For ``benchmarks/bench_http.py``: N tenants with R contacts each, served by gunicorn, with
    django-tenants and with plain Django (see ``serve.py``); prints a JSON line when ready and
    serves until its standard input is closed.

Every subcommand works in its own database, ``peer_bench_<pid>``, created through a connection to
the database ``--database-url`` names (default ``postgres://postgres@127.0.0.1:5432/postgres``)
and dropped at exit. The CRM migrations are read from a temporary copy of ``crm/migrations``
(``MIGRATION_MODULES``), so the migration a run adds never touches the repository.
"""

from __future__ import annotations

import argparse
import atexit
import hashlib
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import unquote, urlsplit

HERE = Path(__file__).resolve().parent
VENV = HERE.parent / ".venv-peer"
REQUIREMENTS = HERE / "requirements.txt"
STAMP = VENV / "requirements.sha256"
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/postgres"
MIGRATIONS_PACKAGE = "peer_crm_migrations"

# The migration the migrate benchmark applies: one field with a default and one index on Task, the
# same operations as benchmarks/bench_migrate.py's second migration (tenancy's side).
ADDED_FIELD = "estimate"
ADDED_INDEX = "crm_task_estimate_idx"
ADDED_MIGRATION_NAME = "0002_task_estimate"
ADDED_MIGRATION = f'''from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("crm", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="task",
            name="{ADDED_FIELD}",
            field=models.PositiveIntegerField(default=1),
        ),
        migrations.AddIndex(
            model_name="task",
            index=models.Index(fields=["{ADDED_FIELD}"], name="{ADDED_INDEX}"),
        ),
    ]
'''


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- The virtual environment ---------------------------------------------------------------------


def in_venv() -> bool:
    return sys.prefix != sys.base_prefix and Path(sys.prefix).resolve() == VENV.resolve()


def ensure_venv() -> None:
    """Create (or re-create, when requirements.txt changed) the venv, then exec this script in it."""
    if in_venv():
        return
    digest = hashlib.sha256(REQUIREMENTS.read_bytes()).hexdigest()
    python = VENV / "bin" / "python"
    if not python.exists() or not STAMP.exists() or STAMP.read_text().strip() != digest:
        import venv

        log(f"peer: creating {VENV} with {REQUIREMENTS.name}")
        venv.EnvBuilder(clear=True, with_pip=True).create(VENV)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r", str(REQUIREMENTS)],
            check=True,
            stdout=sys.stderr,
        )
        STAMP.write_text(digest + "\n")
    os.execv(str(python), [str(python), str(Path(__file__).resolve()), *sys.argv[1:]])


# --- The throwaway database ----------------------------------------------------------------------


def parse_url(url: str) -> dict:
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise SystemExit(f"--database-url must be a postgres:// URL, not {url!r}")
    return {
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or "") or "postgres",
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "127.0.0.1",
        "PORT": str(parts.port or 5432),
    }


def raw_connect(params: dict, dbname: str):
    """A psycopg2 connection in autocommit mode to ``dbname`` on the server of ``params``."""
    import psycopg2

    connection = psycopg2.connect(
        dbname=dbname,
        user=params["USER"],
        password=params["PASSWORD"] or None,
        host=params["HOST"],
        port=params["PORT"],
    )
    connection.autocommit = True
    return connection


class BenchDatabase:
    """``peer_bench_<pid>``: created on start, dropped at exit (also on SIGTERM and Ctrl-C)."""

    def __init__(self, url: str):
        self.server = parse_url(url)
        self.name = f"peer_bench_{os.getpid()}"
        self.owner = os.getpid()
        admin = raw_connect(self.server, self.server["NAME"])
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            cursor.execute(f'CREATE DATABASE "{self.name}"')
        admin.close()
        atexit.register(self.drop)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        log(f"peer: created database {self.name}")

    @property
    def params(self) -> dict:
        return {**self.server, "NAME": self.name}

    def drop(self) -> None:
        if os.getpid() != self.owner:  # a forked worker of the multiprocessing executor
            return
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # Django may not be set up yet
            pass
        admin = raw_connect(self.server, self.server["NAME"])
        with admin.cursor() as cursor:
            try:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            except Exception:  # PostgreSQL < 13 has no WITH (FORCE)
                cursor.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [self.name])
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
        admin.close()
        log(f"peer: dropped database {self.name}")


# --- Django ----------------------------------------------------------------------------------------


def setup_django(database: BenchDatabase, args) -> Path:
    """Configure Django on the bench database with a temporary copy of the CRM migrations.

    Returns the directory of that copy (a package on sys.path, deleted at exit). Also migrates the
    public schema (``migrate_schemas --shared``).
    """
    scratch = Path(tempfile.mkdtemp(prefix="peer_django_tenants_"))
    atexit.register(shutil.rmtree, scratch, True)
    package = scratch / MIGRATIONS_PACKAGE
    package.mkdir()
    for source in sorted((HERE / "crm" / "migrations").glob("*.py")):
        shutil.copy2(source, package / source.name)
    sys.path.insert(0, str(scratch))
    if str(HERE) not in sys.path:
        sys.path.insert(0, str(HERE))

    os.environ["DJANGO_SETTINGS_MODULE"] = "peer_settings"
    os.environ["PEER_DATABASE"] = json.dumps(database.params)
    os.environ["PEER_CRM_MIGRATIONS"] = MIGRATIONS_PACKAGE
    if getattr(args, "processes", None):
        os.environ["PEER_MP_PROCESSES"] = str(args.processes)
    if getattr(args, "chunks", None):
        os.environ["PEER_MP_CHUNKS"] = str(args.chunks)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    return package


def add_migration(package: Path) -> None:
    """Write the second CRM migration into the run's copy of the migrations."""
    import importlib

    (package / f"{ADDED_MIGRATION_NAME}.py").write_text(ADDED_MIGRATION)
    importlib.invalidate_caches()


def migrate_schemas(**options) -> float:
    """``migrate_schemas --tenant`` (every tenant, not the public schema), timed, in seconds.

    Through ``call_command``, as a deploy script does; verbosity 0, so that no per-tenant output
    is timed. ``call_command`` skips the system checks unless ``skip_checks=False`` is passed.
    """
    from django.core.management import call_command

    start = time.perf_counter()
    call_command("migrate_schemas", tenant=True, interactive=False, verbosity=0, **options)
    return time.perf_counter() - start


# --- Tenants ---------------------------------------------------------------------------------------


def schema_signature(cursor, schema: str) -> dict:
    """What a tenant schema holds, with its name replaced: columns, indexes, constraints, migrations."""

    def anonymous(rows):
        return sorted(tuple(str(v).replace(schema, "<schema>") for v in row) for row in rows)

    cursor.execute(
        "SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull, a.attidentity "
        "FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = %s AND c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped",
        [schema],
    )
    columns = anonymous(cursor.fetchall())
    cursor.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = %s", [schema])
    indexes = anonymous(cursor.fetchall())
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE connamespace = %s::regnamespace",
        [schema],
    )
    constraints = anonymous(cursor.fetchall())
    cursor.execute(f'SELECT app, name FROM "{schema}".django_migrations')
    migrations = anonymous(cursor.fetchall())
    return {"columns": columns, "indexes": indexes, "constraints": constraints, "migrations": migrations}


def signature_difference(left: dict, right: dict) -> dict:
    """What only one of two schema signatures has, by kind: ``{kind: {"only_in_first": [...], ...}}``.

    Each row is named by its first two columns (table and column, table and index...).
    """
    differences = {}
    for key in left:
        first, second = set(left[key]), set(right[key])
        if first != second:
            differences[key] = {
                "only_in_first": sorted(" ".join(row[:2]) for row in first - second),
                "only_in_second": sorted(" ".join(row[:2]) for row in second - first),
            }
    return differences


def tenant_ddl(template: str, recorder: bool = True) -> list[str]:
    """The SQL ``migrate_schemas`` runs for a new tenant schema: django_migrations and the CRM tables.

    Without ``recorder``, only the CRM tables' (the DDL tenancy sends for a tenant).

    Collected (not run) by Django's migration executor with the connection set to a tenant schema,
    so that django-tenants' router lets only the TENANT_APPS operations through. The statements
    name no schema: they run with the search path set to the new schema (then public, where
    shared.Currency is), as ``migrate_schemas`` runs them.
    """
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor
    from django.db.migrations.recorder import MigrationRecorder

    connection.set_schema(template)
    try:
        executor = MigrationExecutor(connection)
        targets = [key for key in executor.loader.graph.leaf_nodes() if key[0] == "crm"]
        plan = executor.migration_plan(targets, clean_start=True)
        statements = executor.loader.collect_sql(plan)
        editor = connection.schema_editor(collect_sql=True, atomic=False)
        editor.deferred_sql = []
        editor.create_model(MigrationRecorder.Migration)
        if recorder:
            statements = editor.collected_sql + editor.deferred_sql + statements
    finally:
        connection.set_schema_to_public()
    return [s for s in statements if s.strip() and not s.lstrip().startswith("--")]


def create_tenants(count: int, prefix: str = "dt_", batch: int = 5) -> list[str]:
    """``count`` django-tenants tenants at the current state of the migrations, the fast way.

    The first is created the normal way (``Client(...).save()``: CREATE SCHEMA, migrate). The others
    get the same DDL, sent with psycopg2 a batch of schemas per round trip (one transaction; a batch
    of 25 can exhaust the server's lock table, max_locks_per_transaction, when other sessions hold
    locks too), their django_migrations rows copied from the first one's, and their Client and
    Domain rows with ``bulk_create`` (which does not call ``save()``, so django-tenants creates no
    schema of its own). Checks that the first copy and the last hold exactly what the first tenant
    holds. (Two connections at once are no faster: each schema's FKs to public.shared_currency take
    a self-conflicting lock on it.)
    """
    from customers.models import Client, Domain
    from django.db import connection

    names = [f"{prefix}{i:05d}" for i in range(count)]
    start = time.perf_counter()
    template = Client(schema_name=names[0])
    template.save(verbosity=0)
    Domain.objects.create(domain=f"{names[0]}.peer.test", tenant=template, is_primary=True)
    ddl = "\n".join(tenant_ddl(names[0]))
    params = {**connection.settings_dict}
    rest = names[1:]
    raw = raw_connect(params, params["NAME"])
    with raw.cursor() as cursor:
        for offset in range(0, len(rest), batch):
            parts = []
            for schema in rest[offset : offset + batch]:
                parts += [
                    f'CREATE SCHEMA "{schema}";',
                    f'SET search_path TO "{schema}", public;',
                    ddl,
                    f'INSERT INTO "{schema}"."django_migrations" ("app", "name", "applied") '
                    f'SELECT "app", "name", "applied" FROM "{names[0]}"."django_migrations" ORDER BY "id";',
                ]
            parts.append("SET search_path TO public;")
            cursor.execute("\n".join(parts))
            done = 1 + min(offset + batch, len(rest))
            if done % 200 < batch or done == count:
                log(f"peer:   {done}/{count} schemas")
    raw.close()
    clients = Client.objects.bulk_create([Client(schema_name=s) for s in rest], batch_size=500)
    Domain.objects.bulk_create([Domain(domain=f"{c.schema_name}.peer.test", tenant=c) for c in clients], batch_size=500)
    assert Client.objects.count() == count
    if rest:
        raw = raw_connect(params, params["NAME"])
        with raw.cursor() as cursor:
            expected = schema_signature(cursor, names[0])
            for schema in {rest[0], rest[-1]}:
                problems = signature_difference(expected, schema_signature(cursor, schema))
                if problems:
                    raise SystemExit(f"peer: tenant {schema} differs from {names[0]}: {json.dumps(problems)}")
        raw.close()
    log(f"peer: {count} tenants created in {time.perf_counter() - start:.1f} s")
    return names


def count_migrated(names: list[str]) -> dict:
    """How many of the tenant schemas have the added column, the added index, the added migration."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM information_schema.columns WHERE table_schema = ANY(%s) "
            "AND table_name = 'crm_task' AND column_name = %s",
            [names, ADDED_FIELD],
        )
        columns = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = ANY(%s) AND indexname = %s", [names, ADDED_INDEX]
        )
        indexes = cursor.fetchone()[0]
        recorded = 0
        for offset in range(0, len(names), 200):
            union = " UNION ALL ".join(
                f"SELECT count(*) AS n FROM \"{s}\".django_migrations WHERE app = 'crm' AND name = %s"
                for s in names[offset : offset + 200]
            )
            cursor.execute(f"SELECT sum(n) FROM ({union}) AS t", [ADDED_MIGRATION_NAME] * union.count("%s"))
            recorded += cursor.fetchone()[0] or 0
    return {"column": columns, "index": indexes, "migration": recorded}


# --- Reporting -------------------------------------------------------------------------------------


def environment(database: BenchDatabase) -> dict:
    import django
    import psycopg2
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    from importlib.metadata import version

    return {
        "peer": "django-tenants",
        "django_tenants": version("django-tenants"),
        "django": django.get_version(),
        "psycopg2": psycopg2.__version__.split()[0],
        "postgresql": server,
        "python": platform.python_version(),
        "server": f"{database.server['HOST']}:{database.server['PORT']}",
        "database": database.name,
        "cpus": os.cpu_count(),
        "loadavg": [round(x, 2) for x in os.getloadavg()],
    }


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def emit(result: dict) -> None:
    result["loadavg_at_end"] = [round(x, 2) for x in os.getloadavg()]
    sys.stdout.flush()
    print(json.dumps(result), flush=True)


# --- Subcommands -----------------------------------------------------------------------------------


def cmd_provision(args) -> dict:
    database = BenchDatabase(args.database_url)
    setup_django(database, args)
    env = environment(database)

    from customers.models import Client
    from django.db import connection
    from django.test.utils import override_settings

    serial = iter(range(1, 10**9))
    base = "tenant_base"
    clone_settings = override_settings(TENANT_CREATION_FAKES_MIGRATIONS=True, TENANT_BASE_SCHEMA=base)

    sql = {"seconds": 0.0, "statements": 0}

    def time_sql(execute, statement, params, many, context):
        begin = time.perf_counter()
        try:
            return execute(statement, params, many, context)
        finally:
            sql["seconds"] += time.perf_counter() - begin
            sql["statements"] += 1

    def provision(prefix: str, name: str = "") -> tuple[float, float, int]:
        """(seconds, seconds executing SQL, SQL statements) of one ``Client(...).save()``."""
        tenant = Client(schema_name=name or f"{prefix}_{next(serial):04d}")
        sql.update(seconds=0.0, statements=0)
        with connection.execute_wrapper(time_sql):
            start = time.perf_counter()
            tenant.save(verbosity=0)
            elapsed = time.perf_counter() - start
        return elapsed, sql["seconds"], sql["statements"]

    def cold() -> tuple[float, float, int]:
        return provision("cold")

    def clone() -> tuple[float, float, int]:
        with clone_settings:
            return provision("clone")

    # The template of the clone path: a tenant created the normal way (migrated), as the docs say.
    first = provision("cold", name=base)[0]
    log(f"peer: template schema {base} created (first provision of the process: {ms(first):.1f} ms)")
    first_clone = clone()[0]

    # The floor: the same CRM DDL for a fresh schema, sent with psycopg2 in one round trip (as
    # benchmarks/bench_provision.py's baseline), on an autocommit connection: one transaction.
    crm_statements = tenant_ddl(base, recorder=False)
    crm_ddl = "\n".join(crm_statements)
    raw = raw_connect(connection.settings_dict, connection.settings_dict["NAME"])
    raw_cursor = raw.cursor()

    def bare() -> tuple[float, float, int]:
        schema = f"bare_{next(serial):04d}"
        statement = f'CREATE SCHEMA "{schema}";\nSET search_path TO "{schema}", public;\n{crm_ddl}'
        start = time.perf_counter()
        raw_cursor.execute(statement)
        elapsed = time.perf_counter() - start
        return elapsed, elapsed, 1

    for _ in range(args.warmup):
        cold()
        clone()
        bare()

    samples = {"cold": [], "clone": [], "bare": []}
    kinds = [("cold", cold), ("clone", clone), ("bare", bare)]
    for i in range(args.samples):
        for kind, run_one in kinds[i % 3 :] + kinds[: i % 3]:  # the order rotates from round to round
            samples[kind].append(run_one())
        log(
            f"peer:   {i + 1}/{args.samples}: cold {ms(samples['cold'][-1][0]):.1f} ms, "
            f"clone {ms(samples['clone'][-1][0]):.1f} ms, bare DDL {ms(samples['bare'][-1][0]):.1f} ms"
        )
    raw.close()

    # The clone path should produce the tenant the cold path does.
    raw = raw_connect(connection.settings_dict, connection.settings_dict["NAME"])
    with raw.cursor() as cursor:
        cursor.execute("SELECT schema_name FROM customers_client ORDER BY id")
        schemas = [row[0] for row in cursor.fetchall()]
        a_cold = next(s for s in schemas if s.startswith("cold_"))
        a_clone = next(s for s in schemas if s.startswith("clone_"))
        clone_differences = signature_difference(schema_signature(cursor, a_cold), schema_signature(cursor, a_clone))
    raw.close()
    if clone_differences:
        log(f"peer: note: the cloned schema {a_clone} differs from {a_cold}: {json.dumps(clone_differences)}")

    def summary(kind: str) -> dict:
        times = [t for t, _, _ in samples[kind]]
        return {
            "median_ms": ms(statistics.median(times)),
            "ratio_to_bare_ddl": round(
                statistics.median(times) / statistics.median(t for t, _, _ in samples["bare"]), 2
            ),
            "min_ms": ms(min(times)),
            "samples_ms": [ms(t) for t in times],
            "sql_median_ms": ms(statistics.median(q for _, q, _ in samples[kind])),
            "sql_statements": samples[kind][-1][2],
        }

    result = {
        "benchmark": "provision",
        **env,
        "samples": args.samples,
        "warmup": args.warmup,
        "cold": {
            "what": "Client(schema_name=...).save(): CREATE SCHEMA + migrate_schemas --schema (auto_create_schema)",
            **summary("cold"),
            "first_in_process_ms": ms(first),
        },
        "clone": {
            "what": (
                "Client(schema_name=...).save() with TENANT_CREATION_FAKES_MIGRATIONS and TENANT_BASE_SCHEMA: "
                "clone_schema() of a migrated template tenant (clone_mode DATA) + migrate_schemas --fake"
            ),
            **summary("clone"),
            "first_in_process_ms": ms(first_clone),
            "template_schema": base,
            "same_schema_as_cold": not clone_differences,
            "differences_from_cold": {
                kind: {"only_in_cold": d["only_in_first"], "only_in_clone": d["only_in_second"]}
                for kind, d in clone_differences.items()
            },
        },
        "bare_ddl": {
            "what": (
                "the baseline: CREATE SCHEMA + the same CRM DDL (without django_migrations) sent with psycopg2 in "
                "one round trip, one transaction"
            ),
            "median_ms": ms(statistics.median(t for t, _, _ in samples["bare"])),
            "min_ms": ms(min(t for t, _, _ in samples["bare"])),
            "samples_ms": [ms(t) for t, _, _ in samples["bare"]],
            "sql_statements": len(crm_statements) + 2,  # with CREATE SCHEMA and SET search_path
        },
    }
    log(
        f"peer: provision, medians of {args.samples}: cold {result['cold']['median_ms']:.1f} ms, "
        f"clone {result['clone']['median_ms']:.1f} ms, bare DDL {result['bare_ddl']['median_ms']:.1f} ms"
    )
    return result


def cmd_migrate(args) -> dict:
    database = BenchDatabase(args.database_url)
    package = setup_django(database, args)
    env = environment(database)
    from django.conf import settings

    log(f"peer: creating {args.tenants} tenants at crm 0001_initial")
    names = create_tenants(args.tenants)
    migrate_schemas(schema_name=names[0])  # warm-up: nothing to apply yet, one tenant
    add_migration(package)
    assert count_migrated(names) == {"column": 0, "index": 0, "migration": 0}

    runs = {}
    for executor in ("standard", "multiprocessing"):
        if runs:
            log("peer: migrating every tenant back to crm 0001_initial (not timed)")
            back = migrate_schemas(app_label="crm", migration_name="0001_initial", executor="multiprocessing")
            state = count_migrated(names)
            assert state == {"column": 0, "index": 0, "migration": 0}, state
            log(f"peer:   {back:.2f} s")
            runs["reset_back_to_0001_s"] = round(back, 3)
        log(f"peer: migrate_schemas --tenant --executor={executor} over {args.tenants} tenants")
        elapsed = migrate_schemas(executor=executor)
        state = count_migrated(names)
        n = args.tenants
        if state != {"column": n, "index": n, "migration": n}:
            raise SystemExit(f"peer: after --executor={executor}, some tenants are not migrated: {state}")
        runs[executor] = {"total_s": round(elapsed, 3), "ms_per_tenant": ms(elapsed / n)}
        if executor == "multiprocessing":
            runs[executor]["processes"] = getattr(settings, "TENANT_MULTIPROCESSING_MAX_PROCESSES", 2)
            runs[executor]["chunks"] = getattr(settings, "TENANT_MULTIPROCESSING_CHUNKS", 2)
        log(f"peer:   {elapsed:.2f} s, {ms(elapsed / n):.2f} ms per tenant")
    return {
        "benchmark": "migrate",
        **env,
        "tenants": args.tenants,
        "migration": (
            f"crm {ADDED_MIGRATION_NAME}: AddField Task.{ADDED_FIELD} PositiveIntegerField(default=1), "
            f"AddIndex {ADDED_INDEX} on ({ADDED_FIELD})"
        ),
        "command": "call_command('migrate_schemas', tenant=True, executor=..., verbosity=0)",
        **runs,
    }


def cmd_noop(args) -> dict:
    database = BenchDatabase(args.database_url)
    setup_django(database, args)
    env = environment(database)

    log(f"peer: creating {args.tenants} tenants")
    names = create_tenants(args.tenants)
    migrate_schemas(schema_name=names[0])  # warm-up: one tenant
    times = []
    for i in range(args.repeat):
        log(f"peer: migrate_schemas --tenant --executor={args.executor}, nothing to apply ({i + 1}/{args.repeat})")
        times.append(migrate_schemas(executor=args.executor))
        log(f"peer:   {times[-1]:.2f} s")
    total = statistics.median(times)
    result = {
        "benchmark": "noop",
        **env,
        "tenants": args.tenants,
        "executor": args.executor,
        "command": f"call_command('migrate_schemas', tenant=True, executor={args.executor!r}, verbosity=0)",
        "total_s": round(total, 3),
        "ms_per_tenant": ms(total / args.tenants),
        "runs_s": [round(t, 3) for t in times],
    }
    if args.with_checks:
        log("peer: the same with the system checks of each tenant's migrate (as manage.py migrate_schemas runs)")
        checked = migrate_schemas(executor=args.executor, skip_checks=False)
        result["with_system_checks"] = {"total_s": round(checked, 3), "ms_per_tenant": ms(checked / args.tenants)}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_URL, help=f"server to use (default {DEFAULT_URL})")
    commands = parser.add_subparsers(dest="command", required=True)

    provision = commands.add_parser("provision", help="time creating one tenant: cold and cloned")
    provision.add_argument("--samples", type=int, default=20, help="provisions of each kind (default 20)")
    provision.add_argument("--warmup", type=int, default=2, help="untimed provisions of each kind first (default 2)")

    migrate = commands.add_parser("migrate", help="time migrate_schemas applying one migration to N tenants")
    migrate.add_argument("--tenants", type=int, default=1000, help="tenants (default 1000)")
    migrate.add_argument("--processes", type=int, help="TENANT_MULTIPROCESSING_MAX_PROCESSES (django-tenants: 2)")
    migrate.add_argument("--chunks", type=int, help="TENANT_MULTIPROCESSING_CHUNKS (django-tenants: 2)")

    noop = commands.add_parser("noop", help="time migrate_schemas with nothing to apply over N tenants")
    noop.add_argument("--tenants", type=int, default=1000, help="tenants (default 1000)")
    noop.add_argument("--repeat", type=int, default=3, help="runs; the median is reported (default 3)")
    noop.add_argument("--executor", choices=["standard", "multiprocessing"], default="standard")
    noop.add_argument("--processes", type=int, help="TENANT_MULTIPROCESSING_MAX_PROCESSES (django-tenants: 2)")
    noop.add_argument("--chunks", type=int, help="TENANT_MULTIPROCESSING_CHUNKS (django-tenants: 2)")
    noop.add_argument(
        "--with-checks", action="store_true", help="also one run with each tenant's system checks, as the CLI does"
    )

    serve = commands.add_parser("serve", help="serve N tenants with gunicorn: django-tenants and plain Django")
    serve.add_argument("--tenants", type=int, default=100, help="tenants (default 100)")
    serve.add_argument("--rows", type=int, default=50, help="contacts per tenant (default 50)")
    serve.add_argument("--workers", type=int, default=1, help="gunicorn sync workers per server (default 1)")

    for sub in (provision, migrate, noop, serve):  # accept --database-url after the subcommand too
        sub.add_argument("--database-url", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if getattr(args, "tenants", 1) < 1 or getattr(args, "samples", 1) < 1:
        parser.error("--tenants and --samples must be at least 1")

    if args.command == "serve" and (args.rows < 10 or args.workers < 1):
        parser.error("serve needs --rows of at least 10 (the view reads 10) and --workers of at least 1")

    ensure_venv()
    if args.command == "serve":
        from serve import cmd_serve as handler  # serve.py imports this module's helpers
    else:
        handler = {"provision": cmd_provision, "migrate": cmd_migrate, "noop": cmd_noop}[args.command]
    emit(handler(args))


if __name__ == "__main__":
    main()
