"""Which migrations each tenant has: the ``tenancy_migration`` table (``AppliedTenantMigration``).

A tenant's rows are written in the transaction that migrates it, before its DDL: the unique key
(schema, app, name) then serves as the tenant's lock. A second process migrating the same
tenant waits on it, and fails on it once the first commits (:class:`AlreadyMigrated`), so a
migration is never applied twice, and a tenant is never at a state its rows don't say.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db import IntegrityError
from django.utils import timezone

TABLE = "tenancy_migration"
UNIQUE = "tenancy_migration_once"  # the name of its unique constraint on (schema, app, name)
Key = tuple[str, str]


class AlreadyMigrated(Exception):
    """Another process changed this tenant's migrations first."""

    def __init__(self, schema: str):
        super().__init__(f"{schema} was migrated by another process meanwhile")


def applied(connection, schemas: Iterable[str] | None = None) -> dict[str, frozenset[Key]]:
    """Each schema's applied migrations (a schema without any is absent), in one query."""
    table, schema, app, name = _quoted(connection, TABLE, "schema", "app", "name")
    where, params = "", []
    if schemas is not None:
        schemas = list(schemas)
        if not schemas:
            return {}
        where, params = f" WHERE {schema} IN ({', '.join(['%s'] * len(schemas))})", schemas
    result: dict[str, set[Key]] = defaultdict(set)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One row per schema, and one Python object per distinct history rather than per row.
            cursor.execute(
                f"SELECT {schema}, string_agg({app} || '.' || {name}, ' ' ORDER BY {app}, {name}) "
                f"FROM {table}{where} GROUP BY {schema}",
                params,
            )
            histories: dict[str, frozenset[Key]] = {}
            states = {}
            for schema_name, history in cursor.fetchall():
                keys = histories.get(history)
                if keys is None:
                    keys = histories[history] = frozenset(tuple(k.split(".", 1)) for k in history.split(" "))
                states[schema_name] = keys
            return states
        cursor.execute(f"SELECT {schema}, {app}, {name} FROM {table}{where}", params)
        for schema_name, app_label, migration_name in cursor.fetchall():
            result[schema_name].add((app_label, migration_name))
    return {schema: frozenset(keys) for schema, keys in result.items()}


def keys_of(migration) -> list[Key]:
    """The rows that say ``migration`` is applied: its own, and those of the migrations it replaces."""
    return [*migration.replaces, (migration.app_label, migration.name)]


def record_applied(connection, schema: str, keys: list[Key]) -> None:
    """Insert the rows of ``keys`` for ``schema``; AlreadyMigrated if one is there already."""
    if not keys:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(*_insert(connection, schema, keys))
    except IntegrityError as error:
        raise AlreadyMigrated(schema) from error


def applied_sql(connection, schema: str, keys: list[Key]) -> str:
    """The INSERT of record_applied(), with its values inlined (for sending along with DDL)."""
    return connection.ops.compose_sql(*_insert(connection, schema, keys))


def _insert(connection, schema: str, keys: list[Key]) -> tuple[str, list]:
    table, *columns = _quoted(connection, TABLE, "schema", "app", "name", "applied")
    value = connection.ops.adapt_datetimefield_value(timezone.now())
    rows = ", ".join(["(%s, %s, %s, %s)"] * len(keys))
    params = [p for app, name in keys for p in (schema, app, name, value)]
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {rows}", params


def record_unapplied(connection, schema: str, keys: list[Key]) -> None:
    """Delete the rows of ``keys`` for ``schema``; AlreadyMigrated unless they were all there."""
    if not keys:
        return
    table, schema_column, app, name = _quoted(connection, TABLE, "schema", "app", "name")
    pairs = " OR ".join([f"({app} = %s AND {name} = %s)"] * len(keys))
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE {schema_column} = %s AND ({pairs})", [schema, *(p for key in keys for p in key)]
        )
        deleted = cursor.rowcount
    if deleted != len(set(keys)):
        raise AlreadyMigrated(schema)


def forget(connection, schema: str) -> None:
    """Delete every row of ``schema`` (its tenant is being deleted)."""
    table, schema_column = _quoted(connection, TABLE, "schema")
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE {schema_column} = %s", [schema])


def _quoted(connection, *names: str) -> list[str]:
    return [connection.ops.quote_name(name) for name in names]
