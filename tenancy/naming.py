"""Where a tenant's tables live: schema-qualified names on PostgreSQL, prefixed names elsewhere.

PostgreSQL gives every tenant a schema, so a table keeps its usual name inside it
(``"tenant_acme"."shop_order"``). Backends without schemas (SQLite, MySQL, MariaDB) put every
tenant's tables side by side, each name prefixed with the tenant's schema name
(``tenant_acme_shop_order``); index and constraint names, which those backends keep per database,
get the same prefix.
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.utils import truncate_name

IDENTIFIER_RE = re.compile(r"^[a-z_][a-z0-9_]*$")


def uses_schemas(connection: BaseDatabaseWrapper) -> bool:
    """Whether tenants get a schema of their own on this connection (else a table prefix)."""
    return connection.vendor == "postgresql"


def app_label(schema: str, declared_app_label: str) -> str:
    """The app label of a tenant's classes: ``tenant_acme:shop`` for the ``shop`` app.

    It gives each tenant content types and permissions of its own
    (``user.has_perm("tenant_acme:shop.change_order")``), through Django's own machinery.
    """
    return f"{schema}:{declared_app_label}"


def table_name(connection: BaseDatabaseWrapper, schema: str, table: str) -> str:
    """The ``db_table`` of ``table`` for the tenant whose schema name is ``schema``."""
    if uses_schemas(connection):
        return f'"{schema}"."{table}"'
    return truncate_name(f"{schema}_{table}", connection.ops.max_name_length())


def default_table(app_label: str, model_name: str, max_length: int | None) -> str:
    """The table Django names for a model without ``db_table``, outside any tenant."""
    return truncate_name(f"{app_label}_{model_name}", max_length)


def m2m_table(table: str, field_name: str, db_table: str | None, max_length: int | None) -> str:
    """The table of an auto-created many-to-many of ``table``, outside any tenant, as Django
    names it (``db_table`` when the field sets one)."""
    return db_table or truncate_name(f"{table}_{field_name}", max_length)


def unqualified(connection: BaseDatabaseWrapper, db_table: str) -> str:
    """The name of a tenant table as the database catalog lists it."""
    if uses_schemas(connection):
        return db_table.rsplit(".", 1)[-1].strip('"')
    return db_table


def object_name(connection: BaseDatabaseWrapper, schema: str, name: str) -> str:
    """The name of a named index or constraint of a tenant table."""
    if uses_schemas(connection):
        return name
    return truncate_name(f"{schema}_{name}", connection.ops.max_name_length())


def validate_schema_name(connection: BaseDatabaseWrapper, schema: str, tables: list[str]) -> None:
    """Raise ValidationError unless ``schema`` makes valid names for all of ``tables``."""
    if not isinstance(schema, str) or not IDENTIFIER_RE.match(schema):
        raise ValidationError(
            "%(schema)r is not a valid schema name: use lowercase ASCII letters, digits and "
            "underscores, starting with a letter or an underscore. Change the tenant's natural key "
            "(or its db_schema) so that it gives such a name.",
            code="invalid_schema_name",
            params={"schema": schema},
        )
    if uses_schemas(connection) and schema.startswith("pg_"):
        raise ValidationError(
            "%(schema)r is not a valid schema name: PostgreSQL reserves names starting with 'pg_'.",
            code="reserved_schema_name",
            params={"schema": schema},
        )
    limit = connection.ops.max_name_length()
    if limit is None:
        return
    if uses_schemas(connection):
        longest = schema
    else:
        longest = max((f"{schema}_{table}" for table in tables), key=len, default=schema)
    if len(longest.encode()) > limit:
        raise ValidationError(
            "The schema name %(schema)r is too long: %(name)r is %(length)d bytes and %(vendor)s "
            "allows at most %(limit)d. Use a shorter natural key (or db_schema).",
            code="schema_name_too_long",
            params={
                "schema": schema,
                "name": longest,
                "length": len(longest.encode()),
                "vendor": connection.display_name,
                "limit": limit,
            },
        )
