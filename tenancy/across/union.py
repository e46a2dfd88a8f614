"""The UNION ALL of a cross-tenant query: one SELECT per tenant, read as a derived table.

:class:`TenantRows` holds the tenants and what is pushed down into each tenant's SELECT (filters
and per-row annotations, in order); :class:`UnionTable`, the base table of a cross-tenant query,
compiles it into ``(SELECT ... UNION ALL SELECT ...) alias``. Each SELECT is built from that
tenant's own class, so every table name in it is fully qualified.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from django.core.exceptions import EmptyResultSet
from django.db import models
from django.db.models import Q, QuerySet
from django.db.models.expressions import Value
from django.db.models.functions import Cast
from django.db.models.sql.datastructures import BaseTable

from ..base import TenantModel
from .rows import TENANT, _key_field

if TYPE_CHECKING:
    from ..tenants import AbstractTenant

# SQLite refuses a compound SELECT of more than SQLITE_MAX_COMPOUND_SELECT (500 by default) parts:
# past that the branches are nested in groups.
SQLITE_MAX_COMPOUND = 500


def _owner(model_class) -> AbstractTenant | None:
    return model_class.__dict__.get("_tenancy_tenant") if isinstance(model_class, type) else None


def _same_tenant(a, b) -> bool:
    return a is b or (type(a)._meta.concrete_model is type(b)._meta.concrete_model and a.pk == b.pk)


_OTHER = object()  # a value that belongs to another tenant


def _localize_value(value, tenant):
    """``value`` as seen from ``tenant``'s SELECT, or _OTHER when it belongs to another tenant."""
    if isinstance(value, models.Model):
        owner = _owner(type(value))
        return _OTHER if owner is not None and not _same_tenant(owner, tenant) else value
    if isinstance(value, QuerySet):
        owner = _owner(value.model)
        return _OTHER if owner is not None and not _same_tenant(owner, tenant) else value
    if isinstance(value, (list, tuple, set, frozenset)):
        kept = [item for item in value if _localize_value(item, tenant) is not _OTHER]
        return value if len(kept) == len(value) else type(value)(kept)
    return value


def _localize(node, tenant):
    """A copy of the filter ``node`` for ``tenant``'s SELECT.

    A tenant's model instance (or queryset) used as a value only ever matches rows of its own
    tenant: in another tenant's SELECT the condition is false (``pk__in=[]``), and it is dropped
    from the values of an ``__in`` lookup.
    """
    if isinstance(node, Q):
        clone = node.copy()
        clone.children = [_localize(child, tenant) for child in node.children]
        return clone
    if isinstance(node, tuple) and len(node) == 2 and isinstance(node[0], str):
        value = _localize_value(node[1], tenant)
        if value is _OTHER:
            return ("pk__in", [])
        return (node[0], value)
    return node


class _Key(Value):
    """A tenant's primary key in its SELECT: an integer is written out, rather than a parameter."""

    def as_sql(self, compiler, connection):
        if type(self.value) is int:
            return str(self.value), []
        return super().as_sql(compiler, connection)


@dataclass(frozen=True, eq=False)
class TenantRows:
    """What a cross-tenant query reads: the tenants, and what is pushed down into their SELECTs.

    ``ops`` holds ``("filter", Q)`` and ``("annotate", {name: expression})`` in the order they
    were applied; ``columns`` the derived table's column names, in SELECT order.
    """

    declared: type[TenantModel]
    tenants: tuple
    manager: str | None
    ops: tuple = ()
    columns: tuple = ()

    def plus(self, op: tuple, new_columns: Iterable[str] = ()) -> TenantRows:
        return replace(self, ops=(*self.ops, op), columns=(*self.columns, *new_columns))

    def queryset(self, tenant) -> QuerySet:
        """``tenant``'s queryset with every pushed-down operation applied (not yet narrowed)."""
        model = self.declared.for_tenant(tenant)
        manager = getattr(model, self.manager) if self.manager else model._default_manager
        tenant_field = _key_field(type(tenant)._meta.pk)
        queryset = manager.all().annotate(**{TENANT: Cast(_Key(tenant.pk), output_field=tenant_field)})
        for kind, argument in self.ops:
            if kind == "filter":
                queryset = queryset.filter(_localize(argument, tenant))
            else:
                queryset = queryset.annotate(**argument)
        return queryset

    def select(self, tenant) -> QuerySet:
        """``tenant``'s SELECT: its rows, narrowed to the derived table's columns, unordered."""
        return self.queryset(tenant).order_by().values(*self.columns)

    def as_sql(self, connection) -> tuple[str, list]:
        """The ``UNION ALL`` of every tenant's SELECT, compiled for ``connection``.

        A tenant whose SELECT can match nothing is left out; EmptyResultSet is raised when every
        tenant is (or there is none), which Django turns into an empty result without a query.
        """
        parts = []
        params: list = []
        for tenant in self.tenants:
            query = self.select(tenant).query
            try:
                sql, branch_params = query.get_compiler(connection=connection).as_sql()
            except EmptyResultSet:
                continue
            parts.append(sql)
            params.extend(branch_params)
        if not parts:
            raise EmptyResultSet
        limit = SQLITE_MAX_COMPOUND if connection.vendor == "sqlite" else None
        while limit and len(parts) > limit:
            parts = [
                "SELECT * FROM ({})".format(" UNION ALL ".join(parts[i : i + limit]))
                for i in range(0, len(parts), limit)
            ]
        if connection.features.supports_parentheses_in_compound:
            # A SELECT may end with a clause a compound statement refuses unparenthesized (MySQL adds
            # ORDER BY NULL to grouped SELECTs).
            parts = [f"({part})" for part in parts]
        return " UNION ALL ".join(parts), params


class UnionTable(BaseTable):
    """The base table of a cross-tenant query: a derived table, ``(<UNION ALL>) alias``."""

    def __init__(self, table_name: str, alias: str | None, rows: TenantRows):
        super().__init__(table_name, alias)
        self.rows = rows

    def as_sql(self, compiler, connection):
        sql, params = self.rows.as_sql(connection)
        return f"({sql}) {compiler.quote_name_unless_alias(self.table_alias)}", params

    def relabeled_clone(self, change_map):
        return self.__class__(self.table_name, change_map.get(self.table_alias, self.table_alias), self.rows)

    @property
    def identity(self):
        return self.__class__, self.table_name, self.table_alias, id(self.rows)
