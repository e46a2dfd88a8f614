"""Migration operations that run once per tenant, and never in the global pass of ``migrate``.

In a migration of tenant models, Django's own ``migrations.RunPython`` and ``migrations.RunSQL``
already run per tenant (see :mod:`tenancy.tenant_migrations.classify`); these classes say so
explicitly, which a migration that also changes global models needs::

    from tenancy import operations as tenant

    def fill_codes(apps, schema_editor):
        Order = apps.get_model("shop", "Order")  # the historical Order of schema_editor.tenant
        ...

    operations = [tenant.RunPython(fill_codes, migrations.RunPython.noop)]

The function gets the historical models of the tenant being migrated (``apps.tenant`` and
``schema_editor.tenant`` are that tenant). ``RunSQL`` replaces ``{tenant_schema}`` in its SQL with
the tenant's schema name and ``{tenant_prefix}`` with what goes before a table name to reach the
tenant's table: ``"tenant_acme".`` on PostgreSQL, ``tenant_acme_`` elsewhere, so that
``UPDATE {tenant_prefix}shop_order SET ...`` works on every backend.
"""

from __future__ import annotations

from django.db import migrations

from . import naming


def _in_tenant(schema_editor) -> bool:
    return getattr(schema_editor, "binding", None) is not None


class RunPython(migrations.RunPython):
    """Django's RunPython, run for each tenant with that tenant's historical models."""

    # Not on the empty scratch schema whose SQL is replayed for tenants (no tenant there).
    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _in_tenant(schema_editor) and schema_editor.tenant is not None:
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _in_tenant(schema_editor) and schema_editor.tenant is not None:
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class RunSQL(migrations.RunSQL):
    """Django's RunSQL, run for each tenant, with ``{tenant_schema}`` and ``{tenant_prefix}`` filled in."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if _in_tenant(schema_editor):
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if _in_tenant(schema_editor):
            super().database_backwards(app_label, schema_editor, from_state, to_state)

    def _run_sql(self, schema_editor, sqls):
        return super()._run_sql(schema_editor, _filled(sqls, schema_editor))


def _filled(sqls, schema_editor):
    """``sqls`` (a string, or a list of strings and (sql, params) pairs) for the tenant migrated."""
    schema = schema_editor.binding.schema
    prefix = f'"{schema}".' if naming.uses_schemas(schema_editor.connection) else f"{schema}_"

    def fill(sql: str) -> str:
        return sql.replace("{tenant_schema}", schema).replace("{tenant_prefix}", prefix)

    if isinstance(sqls, str):
        return fill(sqls)
    return [(fill(s[0]), s[1]) if isinstance(s, list | tuple) else fill(s) for s in sqls]
