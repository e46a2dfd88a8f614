"""DDL of a tenant: create its schema and tables, drop them.

Both run on the caller's connection and inside the caller's transaction; on PostgreSQL and
SQLite, whose DDL is transactional, a rollback leaves nothing behind.
"""

from __future__ import annotations

from django.db import connections

from . import naming, signals
from .factory import tenant_tables


def schema_in_use(using: str, schema: str) -> bool:
    """Whether the schema (or, without schemas, any table the tenant would own) already exists."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if naming.uses_schemas(connection):
            cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
            return cursor.fetchone() is not None
        return bool(_existing_tables(cursor, connection, _prefixed_tables(connection, schema)))


def _prefixed_tables(connection, schema: str) -> list[str]:
    """The names of a tenant's tables where tenants have a table prefix, children first; then
    those of tables its models had earlier in their migrations, should it not be up to date."""
    from .tenant_migrations.classify import historical_tenant_tables

    tables = list(reversed(tenant_tables(connection)))
    tables += sorted(historical_tenant_tables(connection.ops.max_name_length()) - set(tables))
    return [naming.table_name(connection, schema, table) for table in tables]


def _existing_tables(cursor, connection, names: list[str]) -> set[str]:
    """Which of ``names`` are tables of the database (asked for by name, not by listing them all)."""
    placeholders = ", ".join(["%s"] * len(names))
    if connection.vendor == "sqlite":
        cursor.execute(f"SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ({placeholders})", names)
    else:
        cursor.execute(
            "SELECT table_name FROM information_schema.tables "
            f"WHERE table_schema = DATABASE() AND table_name IN ({placeholders})",
            names,
        )
    return {row[0] for row in cursor.fetchall()}


def tables_exist(connection, schema: str, db_tables: list[str]) -> bool:
    """Whether the tenant whose schema is ``schema`` has all of ``db_tables`` (its classes' names)."""
    names = {naming.unqualified(connection, table) for table in db_tables}
    with connection.cursor() as cursor:
        if naming.uses_schemas(connection):
            cursor.execute(
                "SELECT count(*) FROM pg_tables WHERE schemaname = %s AND tablename = ANY(%s)", [schema, list(names)]
            )
            return cursor.fetchone()[0] == len(names)
        return len(_existing_tables(cursor, connection, list(names))) == len(names)


def create_schema(tenant, using: str) -> bool:
    """Create ``tenant``'s schema and every table of its models, sending the creation signals.

    With the pool of prepared schemas (:mod:`tenancy.pool`), a pooled schema, whose tables exist
    already, becomes the tenant's instead, when there is one: returns whether it did. The tenant's
    recorder rows then exist too.
    """
    connection = connections[using]
    sender, schema = type(tenant), tenant.db_schema
    signals.pre_schema_creation.send(sender=sender, tenant=tenant, using=using)
    pooled = False
    if naming.uses_schemas(connection):
        from . import pool

        pooled = pool.enabled(using) and pool.claim(using, schema)
        if not pooled:
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE SCHEMA {connection.ops.quote_name(schema)}")
    signals.post_schema_creation.send(sender=sender, tenant=tenant, using=using)
    signals.pre_models_creation.send(sender=sender, tenant=tenant, using=using)
    if naming.uses_schemas(connection):
        if not pooled:
            # One round trip, and no need to build the tenant's classes first.
            with connection.cursor() as cursor:
                cursor.execute(ddl_template(using).replace(TEMPLATE_SCHEMA, schema))
    else:
        for statement in tables_ddl(connection, list(tenant.models)):
            with connection.cursor() as cursor:
                cursor.execute(statement)
    signals.post_models_creation.send(sender=sender, tenant=tenant, using=using)
    return pooled


def tables_ddl(connection, models) -> list[str]:
    """The statements creating the tables (indexes and constraints included) of ``models``."""
    # The editor only collects: entering it as a context manager would, on SQLite, try to turn
    # foreign key checks off, which SQLite refuses inside a transaction.
    editor = connection.schema_editor(collect_sql=True, atomic=False)
    editor.deferred_sql = []
    for model in models:
        if not model._meta.proxy:
            editor.create_model(model)
    for statement in editor.deferred_sql:
        editor.execute(statement)
    return [statement.rstrip(";") for statement in editor.collected_sql]


# The schema name the DDL template is written for, replaced by a tenant's own. Tenant schema names
# are validated identifiers (lowercase letters, digits, underscores), so they never contain it,
# and it appears in the DDL only as the quoted schema part of qualified table names.
TEMPLATE_SCHEMA = "__tenancy_template__"
_templates: dict[str, str] = {}


def ddl_template(using: str) -> str:
    """The DDL of a tenant's tables, for the schema TEMPLATE_SCHEMA, worked out once per database.

    On PostgreSQL a tenant's DDL differs from another's by the schema name alone: index and
    constraint names are derived from the unqualified table names.
    """
    template = _templates.get(using)
    if template is None:
        from .factory import build_models

        placeholder = _TemplateTenant()
        statements = tables_ddl(connections[using], list(build_models(placeholder, using).values()))
        template = _templates[using] = ";\n".join(_global_references_last(statements))
    return template


def _global_references_last(statements: list[str]) -> list[str]:
    """The statements, those adding a foreign key to a table outside the tenant's schema last.

    Adding a foreign key locks the table it references against writes (SHARE ROW EXCLUSIVE)
    until the transaction commits: done last, global tables such as ``auth_user`` or
    ``django_content_type`` are locked for the end of the transaction only, not for all of its
    DDL (the transaction of a tenant's creation, or of a pooled schema's, see :mod:`tenancy.pool`).
    Nothing depends on a foreign key constraint, so moving one changes nothing else.
    """
    internal = f'REFERENCES "{TEMPLATE_SCHEMA}".'

    def is_global_fk(statement: str) -> bool:
        return statement.startswith("ALTER TABLE") and " FOREIGN KEY " in statement and internal not in statement

    return sorted(statements, key=is_global_fk)  # stable: the order is kept within each part


class _TemplateTenant:
    """Stands for a tenant when building the classes the DDL template is written from."""

    pk = None
    db_schema = TEMPLATE_SCHEMA

    def __repr__(self) -> str:
        return "<the DDL template's tenant>"


def drop_schema(tenant, using: str, send_signals: bool = True) -> None:
    """Drop ``tenant``'s schema (or its prefixed tables), sending the deletion signals."""
    connection = connections[using]
    sender, schema = type(tenant), tenant.db_schema
    if send_signals:
        signals.pre_schema_deletion.send(sender=sender, tenant=tenant, using=using)
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if naming.uses_schemas(connection):
            if connection.in_atomic_block:
                # Rows written earlier in this transaction leave deferred foreign key checks pending,
                # and PostgreSQL refuses to drop a table with pending trigger events: run them now.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(f"DROP SCHEMA IF EXISTS {quote(schema)} CASCADE")
        else:
            names = _prefixed_tables(connection, schema)
            existing = _existing_tables(cursor, connection, names)
            names = [quote(name) for name in names if name in existing]
            if names and connection.vendor == "mysql":
                # One statement, so that foreign keys between the tables don't dictate an order.
                cursor.execute(f"DROP TABLE {', '.join(names)}")
            else:
                for name in names:
                    cursor.execute(f"DROP TABLE {name}")
    if send_signals:
        signals.post_schema_deletion.send(sender=sender, tenant=tenant, using=using)
