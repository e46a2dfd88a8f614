"""Queries over the rows of many tenants at once, and copying rows from one tenant to another.

``across_tenants(Order, tenants)`` returns a read-only queryset over the ``Order`` rows of every
tenant in ``tenants``, run as a single SQL statement::

    SELECT "shop_order"."id", ..., "shop_order"."tenant" FROM (
        SELECT "tenant_acme"."shop_order"."id" AS "id", ..., (1)::bigint AS "tenant"
          FROM "tenant_acme"."shop_order" WHERE ...
        UNION ALL
        SELECT "tenant_globex"."shop_order"."id" AS "id", ..., (2)::bigint AS "tenant"
          FROM "tenant_globex"."shop_order" WHERE ...
    ) "shop_order" ORDER BY ...

How it works. Each declared model gets a *row model*: an unmanaged model, registered in a private
app registry and never in the global one, with one column per concrete field of the model's
tenant classes (a foreign key becomes a plain column holding the key) plus ``tenant``, a foreign
key to the tenant model. The queryset is an ordinary queryset of that row model whose base table,
in ``query.alias_map``, is a :class:`UnionTable`: compiled, it emits the ``UNION ALL`` of one
SELECT per tenant, each built from that tenant's own class and compiled with the outer query's
connection. Every table name is fully qualified, so nothing depends on ``search_path`` or any
other state.

Filters and per-row annotations are pushed down into each tenant's SELECT, so lookups across
relations (``product__name``) join that tenant's own tables; ordering, ``values()``, grouping,
aggregation, counting and slicing happen on the union, and the relation paths they name are
fetched in each tenant's SELECT as extra columns.
"""

from .copy import copy_rows
from .queryset import CrossTenantQuerySet, across_tenants
from .rows import row_model
from .union import UnionTable

__all__ = ["CrossTenantQuerySet", "UnionTable", "across_tenants", "copy_rows", "row_model"]
