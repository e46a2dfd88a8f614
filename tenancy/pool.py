"""A pool of prepared schemas, from which new tenants take theirs (PostgreSQL, ``TENANCY_POOL_SIZE``).

Creating a tenant's tables is most of the time a new tenant takes: tens of milliseconds of DDL.
With a pool, that DDL runs ahead of time. :func:`fill_pool` prepares schemas named
``tenancy_pool_<hex>``, each in one transaction that creates the schema with the same DDL as a
tenant's, inserts the recorder rows of every tenant migration for it (as for a new tenant) and
inserts its :class:`~tenancy.models.PooledSchema` row: a pooled schema is complete or absent,
never half-made. A new tenant then takes one in the transaction that creates it (:func:`claim`):
the schema is renamed to the tenant's, its recorder rows are moved to that name, its row is
deleted. Rolling that transaction back puts the schema back in the pool, untouched. Claimers lock
the row they take and skip rows others have locked, so two tenants never get the same schema.

Only a schema made for the current tables and migrations is handed out. Each pooled schema
carries the *fingerprint* it was made for: a hash of the DDL tenants' tables are created with
(which follows the tenant models) and of the tenant migrations a new tenant is recorded with.
A pooled schema of another fingerprint is *stale*: never handed out, and dropped by the next
:func:`fill_pool`. ``migrate`` migrates tenants, not pooled schemas: after a change of the tenant
models or migrations the whole pool is stale, and new tenants are created the usual way (without
the pool, but correctly) until it is refilled, by the refill that follows (see below) or by
``manage.py tenancy_pool --fill`` after ``migrate``. Processes running different code (during a
deployment) compute different fingerprints; each only takes schemas made for its own, and a fill
by either drops the other's.

Pooled schemas are known by their rows, not by their names: they are not tenants, have no row
in the tenant table, and nothing that lists tenants (``migrate``, ``showmigrations``) sees them.

A new tenant that takes a pooled schema is told about its creation with the same signals, in the
same order, as one whose schema is created: ``pre_schema_creation`` before the schema exists,
then ``post_schema_creation``, ``pre_models_creation`` and ``post_models_creation``. One
difference can be seen: its tables exist from ``post_schema_creation`` on.

Refilling: after a transaction in which a tenant took a pooled schema (or found none), the pool is
filled up to ``TENANCY_POOL_SIZE`` again in a background thread of the process, with a connection
of its own, one such thread per database at a time (``TENANCY_POOL_REFILL = "thread"``, the
default). With ``"off"``, the pool is only refilled by :func:`fill_pool`, e.g. from
``manage.py tenancy_pool --fill`` run periodically. Fills of several processes take turns (an
advisory lock), so they don't overfill the pool.

Renaming a schema takes its ownership: fill the pool as the database role the application
creates tenants as.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
import uuid
from functools import partial

from django.db import connections, transaction
from django.utils import timezone

from . import naming
from .conf import settings
from .schema import TEMPLATE_SCHEMA, ddl_template
from .tenant_migrations import recorder

logger = logging.getLogger("tenancy.pool")

PREFIX = "tenancy_pool_"
TABLE = "tenancy_pooled_schema"
# The key of the advisory lock fills take turns with ("tenancy" in ASCII).
FILL_LOCK = 0x74656E616E6379
REFILL_MODES = ("thread", "off")


def enabled(using: str) -> bool:
    """Whether new tenants of database ``using`` take their schema from the pool."""
    return settings.TENANCY_POOL_SIZE > 0 and naming.uses_schemas(connections[using])


_fingerprints: dict[str, tuple[str, tuple, str]] = {}


def fingerprint(using: str = "default") -> str:
    """What a pooled schema must have been made for to be handed out: a hash of the DDL of a
    tenant's tables and of the tenant migrations a new tenant is recorded with."""
    template, keys = ddl_template(using), _latest_migrations()
    cached = _fingerprints.get(using)
    if cached is not None and cached[0] is template and cached[1] is keys:
        return cached[2]
    digest = _digest(template, keys)
    _fingerprints[using] = (template, keys, digest)
    return digest


def _digest(template: str, keys) -> str:
    text = template + "\n--\n" + "\n".join(f"{app}.{name}" for app, name in sorted(set(keys)))
    return hashlib.sha256(text.encode()).hexdigest()


def _latest_migrations() -> tuple[tuple[str, str], ...]:
    from .tenant_migrations.classify import latest_tenant_migrations

    return latest_tenant_migrations()


def claim(using: str, schema: str) -> bool:
    """Make a ready pooled schema the schema ``schema``, in the caller's transaction.

    Takes the oldest pooled schema of the current fingerprint that no other transaction is
    taking, renames it and moves its recorder rows to ``schema``, and deletes its row; returns
    whether there was one. A rollback of the caller's transaction undoes it all. Asks for a
    refill once that transaction commits (see the module's docstring).
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        # The row must stay locked until the new tenant's row and schema commit with its removal.
        return False
    quote = connection.ops.quote_name
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        # One round trip takes the row and moves the recorder rows; the rename is the second.
        cursor.execute(
            f"WITH claimed AS ("
            f"DELETE FROM {quote(TABLE)} WHERE {quote('id')} = ("
            f"SELECT {quote('id')} FROM {quote(TABLE)} WHERE {quote('fingerprint')} = %s "
            f"ORDER BY {quote('id')} LIMIT 1 FOR UPDATE SKIP LOCKED"
            f") RETURNING {quote('name')}"
            f"), moved AS ("
            f"UPDATE {quote(recorder.TABLE)} SET {quote('schema')} = %s, {quote('applied')} = %s "
            f"FROM claimed WHERE {quote(recorder.TABLE)}.{quote('schema')} = claimed.{quote('name')}"
            f") SELECT {quote('name')} FROM claimed",
            [fingerprint(using), schema, now],
        )
        row = cursor.fetchone()
        if row is not None:
            cursor.execute(f"ALTER SCHEMA {quote(row[0])} RENAME TO {quote(schema)}")
    if settings.TENANCY_POOL_REFILL == "thread":
        transaction.on_commit(partial(request_refill, using), using=using)
    return row is not None


def create_pooled_schema(using: str = "default") -> str:
    """Prepare one pooled schema, in a transaction of its own (or a savepoint); return its name."""
    connection = connections[using]
    _require_schemas(connection)
    with transaction.atomic(using=using):
        return _create(connection)


def _create(connection) -> str:
    name = PREFIX + uuid.uuid4().hex
    template, keys = ddl_template(connection.alias), _latest_migrations()
    quote = connection.ops.quote_name
    recorder.record_applied(connection, name, list(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(TABLE)} ({quote('name')}, {quote('fingerprint')}, {quote('created')}) "
            "VALUES (%s, %s, %s)",
            [name, _digest(template, keys), connection.ops.adapt_datetimefield_value(timezone.now())],
        )
        # The DDL last, in one round trip: its foreign keys to global tables, which keep those from
        # being written to until the commit, come last in it (see schema.ddl_template()).
        cursor.execute(f"CREATE SCHEMA {quote(name)};\n" + template.replace(TEMPLATE_SCHEMA, name))
    return name


def fill_pool(using: str = "default", size: int | None = None) -> tuple[int, int]:
    """Drop the stale pooled schemas, then prepare schemas until ``size`` are ready
    (default ``TENANCY_POOL_SIZE``); return how many were created and how many dropped.

    Each schema is created or dropped in a transaction of its own. A pool holding more than
    ``size`` ready schemas is left as it is.
    """
    connection = connections[using]
    _require_schemas(connection)
    size = settings.TENANCY_POOL_SIZE if size is None else size
    current = fingerprint(using)
    quote = connection.ops.quote_name
    dropped = _drop_all(using, f"{quote('fingerprint')} <> %s", [current])
    created = 0
    while True:
        with transaction.atomic(using=using):
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [FILL_LOCK])
                cursor.execute(f"SELECT count(*) FROM {quote(TABLE)} WHERE {quote('fingerprint')} = %s", [current])
                if cursor.fetchone()[0] >= size:
                    break
            _create(connection)
        created += 1
    return created, dropped


def clear_pool(using: str = "default") -> int:
    """Drop every pooled schema (but those being taken right now); return how many."""
    _require_schemas(connections[using])
    return _drop_all(using, "TRUE", [])


def status(using: str = "default") -> dict[str, int]:
    """How many pooled schemas are ``ready`` (of the current fingerprint) and how many ``stale``."""
    connection = connections[using]
    _require_schemas(connection)
    quote = connection.ops.quote_name
    counts = {"ready": 0, "stale": 0}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('fingerprint')} = %s, count(*) FROM {quote(TABLE)} GROUP BY 1", [fingerprint(using)]
        )
        for is_ready, count in cursor.fetchall():
            counts["ready" if is_ready else "stale"] = count
    return counts


def _drop_all(using: str, where: str, params: list) -> int:
    """Drop the pooled schemas whose rows match ``where``, one transaction each; skips (and does not
    wait for) those another transaction is taking."""
    connection = connections[using]
    quote = connection.ops.quote_name
    dropped = 0
    while True:
        with transaction.atomic(using=using), connection.cursor() as cursor:
            cursor.execute(
                f"DELETE FROM {quote(TABLE)} WHERE {quote('id')} = ("
                f"SELECT {quote('id')} FROM {quote(TABLE)} WHERE {where} "
                f"ORDER BY {quote('id')} LIMIT 1 FOR UPDATE SKIP LOCKED"
                f") RETURNING {quote('name')}",
                params,
            )
            row = cursor.fetchone()
            if row is None:
                return dropped
            cursor.execute(f"DROP SCHEMA IF EXISTS {quote(row[0])} CASCADE")
            recorder.forget(connection, row[0])
        dropped += 1


def _require_schemas(connection) -> None:
    if not naming.uses_schemas(connection):
        raise NotImplementedError(
            f"The pool of prepared schemas needs PostgreSQL; database {connection.alias!r} is "
            f"{connection.display_name}."
        )


# The background refill: at most one thread per database alias in this process.
_refill_lock = threading.Lock()
_refilling: dict[str, threading.Thread] = {}
_refill_again: set[str] = set()


def request_refill(using: str = "default") -> None:
    """Fill the pool of ``using`` in a background thread, or once more if one is at it already."""
    with _refill_lock:
        if using in _refilling:
            _refill_again.add(using)
            return
        thread = threading.Thread(target=_refill, args=(using,), name=f"tenancy-pool-refill-{using}", daemon=True)
        _refilling[using] = thread
        thread.start()


def _refill(using: str) -> None:
    while True:
        try:
            fill_pool(using)
        except Exception:
            logger.exception("Refilling the pool of prepared schemas of database %r failed", using)
        with _refill_lock:
            if using not in _refill_again:
                # Closed before the thread is said done: whoever waited for it finds no connection left.
                try:
                    connections[using].close()  # this thread's own connection
                except Exception:
                    logger.exception("Closing the connection of the pool's refill failed")
                del _refilling[using]
                return
            _refill_again.discard(using)


def wait_for_refills(timeout: float | None = None) -> bool:
    """Wait for the background refills of this process to finish; False if some still run after ``timeout``."""
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        with _refill_lock:
            threads = list(_refilling.values())
        if not threads:
            return True
        for thread in threads:
            thread.join(None if deadline is None else max(0.0, deadline - time.monotonic()))
            if thread.is_alive():
                return False
