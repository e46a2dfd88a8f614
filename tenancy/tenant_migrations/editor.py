"""The schema editor of a tenant migration: Django's own, for the connection, made schema aware.

Historical tenant models are bound to a tenant (:mod:`.state`), so their ``db_table`` is
``"tenant_acme"."shop_order"`` on PostgreSQL and ``tenant_acme_shop_order`` elsewhere. Django's
editors handle that, except in three places this module adjusts:

- PostgreSQL's ``ALTER TABLE ... RENAME TO`` takes an unqualified new name, and an index name
  on its own (``DROP INDEX``, ``ALTER INDEX``) must be qualified with the schema;
- Django looks constraints up among the tables visible on the connection's ``search_path``, which
  a tenant's tables are not: they are looked up in the tenant's schema instead;
- without schemas, index and constraint names are per database, and the names an operation
  carries (``AddIndex``, ``RemoveConstraint``...) get the tenant's prefix, as its tables' have.

The editor can also record the statements it executes, inlined, for replaying them on tenants
whose schemas are identical (:mod:`.executor`).
"""

from __future__ import annotations

import functools

from django.db.backends.ddl_references import Statement
from django.db.backends.utils import split_identifier
from django.db.models import Index

from .. import naming
from .state import Binding


def tenant_schema_editor(connection, binding: Binding, *, atomic: bool = True, record: bool = False):
    """A schema editor for migrating the tenant of ``binding``; ``record`` keeps what it executes."""
    editor = _editor_class(connection.SchemaEditorClass)(connection, atomic=atomic)
    editor.binding = binding
    editor.tenant = binding.tenant
    editor.recorded = [] if record else None
    return editor


@functools.cache
def _editor_class(base: type) -> type:
    return type(f"Tenant{base.__name__}", (TenantSchemaEditorMixin, base), {})


class TenantSchemaEditorMixin:
    binding: Binding
    tenant = None
    recorded: list[str] | None = None

    def execute(self, sql, params=()):
        super().execute(sql, params)
        if self.recorded is not None and sql is not None:
            sql = str(sql)
            self.recorded.append(sql if params is None else sql % tuple(map(self.quote_value, params)))

    # PostgreSQL: qualified table names.

    def alter_db_table(self, model, old_db_table, new_db_table):
        old_schema, old_name = split_identifier(old_db_table)
        new_schema, new_name = split_identifier(new_db_table)
        if not (old_schema and old_schema == new_schema) or old_name == new_name:
            return super().alter_db_table(model, old_db_table, new_db_table)
        self.execute(
            self.sql_rename_table % {"old_table": self.quote_name(old_db_table), "new_table": self.quote_name(new_name)}
        )
        for sql in self.deferred_sql:
            if isinstance(sql, Statement):
                sql.rename_table_references(old_db_table, new_db_table)

    # Index names stand alone in DROP INDEX and ALTER INDEX, where PostgreSQL looks them up on the
    # search_path (and DROP INDEX IF EXISTS would do nothing): qualify them with the schema.

    def _delete_index_sql(self, model, name, *args, **kwargs):
        return super()._delete_index_sql(model, self._qualified_index(model, name), *args, **kwargs)

    def _rename_index_sql(self, model, old_name, new_name):
        return super()._rename_index_sql(model, self._qualified_index(model, old_name), new_name)

    def _delete_fk_sql(self, model, name):
        schema, _ = split_identifier(model._meta.db_table)
        if not schema or "SET CONSTRAINTS %(name)s" not in self.sql_delete_fk:
            return super()._delete_fk_sql(model, name)
        # SET CONSTRAINTS, too, finds a constraint by a name qualified with its schema.
        qualified = f"SET CONSTRAINTS {self.quote_name(schema)}.%(name)s"
        sql = self.sql_delete_fk.replace("SET CONSTRAINTS %(name)s", qualified)
        return self._delete_constraint_sql(sql, model, name)

    def _get_sequence_name(self, table, column):
        schema, name = split_identifier(table)
        if not schema:
            return super()._get_sequence_name(table, column)
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [self.quote_name(table), column])
            (sequence,) = cursor.fetchone()
        if sequence is None:
            return None
        # Returned qualified, as PostgreSQL quotes identifiers; quote_name() leaves it as it is.
        sequence_schema, sequence_name = (part.strip('"') for part in sequence.split(".", 1))
        return f"{self.quote_name(sequence_schema)}.{self.quote_name(sequence_name)}"

    def _qualified_index(self, model, name: str) -> str:
        schema, _ = split_identifier(model._meta.db_table)
        return f"{self.quote_name(schema)}.{self.quote_name(name)}" if schema else name

    def _constraint_names(
        self,
        model,
        column_names=None,
        unique=None,
        primary_key=None,
        index=None,
        foreign_key=None,
        check=None,
        type_=None,
        exclude=None,
    ):
        schema, table = split_identifier(model._meta.db_table)
        if not schema:
            return super()._constraint_names(
                model, column_names, unique, primary_key, index, foreign_key, check, type_, exclude
            )
        wanted = {
            "unique": unique,
            "primary_key": primary_key,
            "index": index,
            "check": check,
            "type": type_,
        }
        names = []
        for name, info in schema_constraints(self.connection, schema, table).items():
            if column_names is not None and list(column_names) != info["columns"]:
                continue
            if any(value is not None and info[key] != value for key, value in wanted.items()):
                continue
            if foreign_key is not None and not info["foreign_key"]:
                continue
            if exclude and name in exclude:
                continue
            names.append(name)
        return names

    # Without schemas: tenant-prefixed names of indexes and constraints.

    def _own(self, model, obj):
        binding = getattr(model, "_tenancy_binding", None)
        if binding is None or naming.uses_schemas(self.connection) or obj.name is None:
            return obj
        obj = obj.clone()
        obj.name = naming.object_name(self.connection, binding.schema, obj.name)
        return obj

    def add_index(self, model, index, *args, **kwargs):
        return super().add_index(model, self._own(model, index), *args, **kwargs)

    def remove_index(self, model, index, *args, **kwargs):
        return super().remove_index(model, self._own(model, index), *args, **kwargs)

    def rename_index(self, model, old_index, new_index):
        if not self.connection.features.can_rename_index:
            return super().rename_index(model, old_index, new_index)  # by remove_index and add_index
        return super().rename_index(model, self._own(model, old_index), self._own(model, new_index))

    def add_constraint(self, model, constraint):
        return super().add_constraint(model, self._own(model, constraint))

    def remove_constraint(self, model, constraint):
        return super().remove_constraint(model, self._own(model, constraint))


def schema_constraints(connection, schema: str, table: str) -> dict[str, dict]:
    """The constraints and indexes of ``schema.table`` on PostgreSQL, described as Django's
    introspection describes them (``get_constraints``), without regard to ``search_path``."""
    constraints: dict[str, dict] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT c.conname, c.contype,
                   ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, position)
                         JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
                         ORDER BY k.position),
                   (SELECT t.relname || '.' || a.attname FROM pg_attribute a JOIN pg_class t ON t.oid = a.attrelid
                    WHERE a.attrelid = c.confrelid AND a.attnum = c.confkey[1])
            FROM pg_constraint c
            JOIN pg_class t ON t.oid = c.conrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = %s AND t.relname = %s
            """,
            [schema, table],
        )
        for name, kind, columns, target in cursor.fetchall():
            constraints[name] = {
                "columns": columns,
                "primary_key": kind == "p",
                "unique": kind in ("p", "u"),
                "foreign_key": tuple(target.split(".", 1)) if kind == "f" and target else None,
                "check": kind == "c",
                "index": False,
                "type": None,
            }
        cursor.execute(
            """
            SELECT i.relname, am.amname, x.indisunique, x.indisprimary, x.indexprs IS NOT NULL,
                   ARRAY(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, position)
                         LEFT JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum
                         ORDER BY k.position)
            FROM pg_index x
            JOIN pg_class i ON i.oid = x.indexrelid
            JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            JOIN pg_am am ON am.oid = i.relam
            WHERE n.nspname = %s AND t.relname = %s
            """,
            [schema, table],
        )
        for name, method, unique, primary, expressions, columns in cursor.fetchall():
            if name in constraints:
                continue
            constraints[name] = {
                "columns": [] if expressions and columns == [None] else columns,
                "primary_key": primary,
                "unique": unique,
                "foreign_key": None,
                "check": False,
                "index": True,
                "type": Index.suffix if method == "btree" else method,
            }
    return constraints
