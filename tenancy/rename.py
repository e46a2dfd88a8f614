"""Renaming a tenant: a new natural key, so a new schema name, with every row kept.

A tenant's schema name is made of its natural key, and ``save()`` refuses to change it.
:func:`rename_tenant` changes it and moves what the schema name names, in one transaction where
the database allows: on PostgreSQL it renames the schema (``ALTER SCHEMA ... RENAME TO``: its
tables, indexes and sequences go with it, untouched); on SQLite, MySQL and MariaDB, whose tenants'
table and index names carry the prefix, it creates the tables under the new prefix, copies every
row into them and drops the old ones. Then it updates the tenant's row, its recorded migrations
and its content types (so its permissions and generic relations follow), and every process
forgets what it knew of the tenant (:mod:`tenancy.invalidation`). The tenant's primary key does
not change, so rows pointing at the tenant (its domains, memberships) stay as they are.

MySQL and MariaDB commit each DDL statement: there, a failure while copying drops the new tables
and leaves the tenant as it was.
"""

from __future__ import annotations

import copy
from contextlib import nullcontext
from typing import Any

from django.apps import apps
from django.db import connections, transaction

from . import invalidation, naming
from .contenttypes import forget_content_types, tenant_app_labels
from .registry import cache, models_of
from .schema import drop_schema, tables_ddl


def rename_tenant(tenant, **fields: Any):
    """Give ``tenant`` the new values ``fields`` (its natural key, typically); return it, renamed.

    Raises ValidationError, changing nothing, when the new schema name is invalid or in use, or a
    unique field's value is taken.
    """
    using = tenant._state.db or "default"
    connection = connections[using]
    old_schema = tenant._stored_schema() or tenant.db_schema
    renamed = copy.copy(tenant)
    for name, value in fields.items():
        setattr(renamed, name, value)
    renamed.validate_unique(rename=True)
    new_schema = renamed.db_schema
    if new_schema == old_schema:
        renamed.save(using=using, update_fields=list(fields))
        return renamed
    renamed.validate_schema(using)
    with transaction.atomic(using=using) if connection.features.can_rollback_ddl else nullcontext():
        _move(tenant, renamed, using)
        _update_rows(tenant, old_schema, new_schema, fields, using)
    now_in_schema(renamed, new_schema)
    transaction.on_commit(lambda: cache.forget(using, old_schema), using=using)
    return renamed


def now_in_schema(tenant, schema: str) -> None:
    """Make the instance ``tenant`` know itself as stored in ``schema``, its classes built anew."""
    for attribute in ("_tenancy_classes", "_tenancy_entry"):
        tenant.__dict__.pop(attribute, None)
    tenant._tenancy_loaded = None
    tenant._tenancy_schema = schema


def _move(tenant, renamed, using: str) -> None:
    connection = connections[using]
    quote = connection.ops.quote_name
    if naming.uses_schemas(connection):
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER SCHEMA {quote(tenant.db_schema)} RENAME TO {quote(renamed.db_schema)}")
        return
    old, new = models_of(tenant), models_of(renamed)
    statements = tables_ddl(connection, list(new))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        try:
            _copy_rows(cursor, connection, old, new)
        except BaseException:
            if not connection.features.can_rollback_ddl:
                drop_schema(renamed, using, send_signals=False)
            raise
    drop_schema(tenant, using, send_signals=False)


def _copy_rows(cursor, connection, old, new) -> None:
    """INSERT ... SELECT from each of the old tables into its new one, columns named."""
    quote = connection.ops.quote_name
    pairs = []
    for model in old:
        if model._meta.proxy:
            continue
        twin = new[model]
        pairs.append((model, twin))
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                pairs.append((through, twin._meta.get_field(field.name).remote_field.through))
    if connection.vendor == "mysql":
        cursor.execute("SET FOREIGN_KEY_CHECKS = 0")
    try:
        for source, target in pairs:
            columns = ", ".join(quote(field.column) for field in source._meta.local_concrete_fields)
            cursor.execute(
                f"INSERT INTO {quote(target._meta.db_table)} ({columns}) "
                f"SELECT {columns} FROM {quote(source._meta.db_table)}"
            )
    finally:
        if connection.vendor == "mysql":
            cursor.execute("SET FOREIGN_KEY_CHECKS = 1")


def _update_rows(tenant, old_schema: str, new_schema: str, fields: dict, using: str) -> None:
    from .models import AppliedTenantMigration

    type(tenant)._base_manager.using(using).filter(pk=tenant.pk).update(**fields)
    AppliedTenantMigration.objects.using(using).filter(schema=old_schema).update(schema=new_schema)
    if apps.is_installed("django.contrib.contenttypes"):
        from django.contrib.contenttypes.models import ContentType

        for old_label, new_label in zip(tenant_app_labels(old_schema), tenant_app_labels(new_schema), strict=True):
            ContentType.objects.using(using).filter(app_label=old_label).update(app_label=new_label)
        forget_content_types(old_schema)
    invalidation.changed(using, tenant.pk)
