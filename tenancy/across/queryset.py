"""The cross-tenant queryset: :func:`across_tenants`, :class:`CrossTenantQuerySet` and its iterable.

The queryset is an ordinary queryset of a row model whose base table is a
:class:`~tenancy.across.union.UnionTable`. Filters and per-row annotations are pushed down into
each tenant's SELECT; ordering, ``values()``, grouping, aggregation, counting and slicing happen on
the union. Iterating yields instances of each row's own tenant class. Every method that writes
raises :class:`django.db.NotSupportedError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING

from django.db import NotSupportedError, models, router
from django.db.models import F, Q, QuerySet
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import Value
from django.db.models.query import BaseIterable

from ..base import TenantModel
from ..utils import get_tenant_model
from .pushdown import DerivedCol, _derived_column, _field_paths, _refers_outside, _roots
from .rows import TENANT, _declared, _KeyColumn, _row_models_lock, _template, row_model
from .union import TenantRows, UnionTable, _owner, _same_tenant

if TYPE_CHECKING:
    from ..tenants import AbstractTenant

_PROHIBITED_FILTER_KWARGS = frozenset(["_connector", "_negated"])


class TenantRowIterable(BaseIterable):
    """Yield each row as an instance of its own tenant's class, with ``.tenant`` set."""

    def __iter__(self) -> Iterator[TenantModel]:
        queryset = self.queryset
        db = queryset.db
        rows = queryset._tenant_rows()
        compiler = queryset.query.get_compiler(using=db)
        results = compiler.execute_sql(chunked_fetch=self.chunked_fetch, chunk_size=self.chunk_size)
        select, klass_info, annotation_col_map = compiler.select, compiler.klass_info, compiler.annotation_col_map
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column[0].target.attname for column in select[start:end]]
        tenant_index = start + names.index(f"{TENANT}_id")
        tenants = {tenant.pk: tenant for tenant in rows.tenants}
        classes: dict = {}
        for row in compiler.results_iter(results):
            tenant = tenants[row[tenant_index]]
            loader = classes.get(tenant.pk)
            if loader is None:
                loader = classes[tenant.pk] = _loader(rows.declared.for_tenant(tenant), names, start)
            model, field_names, positions = loader
            obj = model.from_db(db, field_names, [row[position] for position in positions])
            obj.tenant = tenant
            for name, position in annotation_col_map.items():
                setattr(obj, name, row[position])
            yield obj


def _loader(model, names: list[str], start: int) -> tuple[type, list[str], list[int]]:
    """How to load rows of ``model`` whose fields ``names`` are selected from column ``start``.

    ``Model.from_db()`` wants the values in the order of the model's concrete fields.
    """
    field_names, positions = [], []
    for field in model._meta.concrete_fields:
        if field.attname in names:
            field_names.append(field.attname)
            positions.append(start + names.index(field.attname))
    return model, field_names, positions


def _read_only(name: str):
    def method(self, *args, **kwargs):
        label = self.model._meta.object_name
        raise NotSupportedError(
            f"{name}() is not supported across tenants: a cross-tenant queryset is read-only. Write "
            f"through a tenant's own class, e.g. {label}.for_tenant(tenant).objects.{name}(...)."
        )

    method.__name__ = name
    method.__doc__ = f"Raise NotSupportedError: {name}() would write, and the queryset is read-only."
    return method


def _not_supported(name: str, hint: str):
    def method(self, *args, **kwargs):
        raise NotSupportedError(f"{name}() is not supported on a cross-tenant queryset: {hint}")

    method.__name__ = name
    return method


class CrossTenantQuerySet(QuerySet):
    """A read-only queryset over the rows of a declared model in several tenants, in one query.

    Made by :func:`across_tenants`. Filters and annotations made before ``values()`` run inside
    each tenant's SELECT; the rest runs on the union. Iterating yields instances of each row's
    own tenant class, whose ``tenant`` attribute is the tenant.
    """

    def __init__(self, model=None, query=None, using=None, hints=None):
        super().__init__(model, query, using, hints)
        self._iterable_class = TenantRowIterable

    # The rows read ------------------------------------------------------------------------------

    def _union_table(self) -> UnionTable:
        table = self._query.alias_map[self._query.base_table]
        assert isinstance(table, UnionTable), table
        return table

    def _tenant_rows(self) -> TenantRows:
        return self._union_table().rows

    @property
    def tenants(self) -> tuple:
        """The tenants whose rows this queryset reads."""
        return self._tenant_rows().tenants

    def _push(self, op: tuple, new_columns: Iterable[str] = ()) -> TenantRows:
        table = self._union_table()
        rows = table.rows.plus(op, new_columns)
        self._query.alias_map[table.table_alias] = UnionTable(table.table_name, table.table_alias, rows)
        return rows

    # Filters ------------------------------------------------------------------------------------

    def _filter_or_exclude_inplace(self, negate, args, kwargs):
        if invalid := _PROHIBITED_FILTER_KWARGS.intersection(kwargs):
            raise TypeError(f"The following kwargs are invalid: {', '.join(repr(k) for k in sorted(invalid))}")
        q = Q(*args, **kwargs)
        roots = _roots(q)
        outer = {TENANT, f"{TENANT}_id", *self._query.annotations}
        if roots and (roots <= outer or _refers_outside(q)):
            # Only the tenant or the union's own annotations (or a reference to the query this one
            # is a subquery of, which only the outer query can make): a condition on the union.
            return super()._filter_or_exclude_inplace(negate, args, kwargs)
        rows = self._push(("filter", ~q if negate else q))
        if rows.tenants:
            rows.queryset(rows.tenants[0])  # raises FieldError now for a bad lookup, as Django does

    # Annotations --------------------------------------------------------------------------------

    def annotate(self, *args, **kwargs):
        """Annotate each row; before ``values()`` the annotation is computed in each tenant's SELECT.

        So ``annotate(product_name=F("product__name"))`` or ``annotate(n=Count("tags"))`` work
        per row as on a tenant's own queryset, while ``values("tenant").annotate(total=Sum(...))``
        groups the union.
        """
        return self._annotate_rows(args, kwargs, select=True)

    def alias(self, *args, **kwargs):
        return self._annotate_rows(args, kwargs, select=False)

    def _annotate_rows(self, args, kwargs, select):
        if self._fields is not None or self.query.is_sliced or self.query.group_by is not None:
            # Annotating groups of rows (after values()): on the union, with the relation paths the
            # expressions name fetched in each tenant's SELECT.
            clone = self._with_paths(_field_paths((*args, *kwargs.values())), select=False)
            return super(CrossTenantQuerySet, clone)._annotate(args, kwargs, select=select)
        self._validate_values_are_expressions(args + tuple(kwargs.values()), method_name="annotate")
        annotations = {}
        for arg in args:
            try:
                name = arg.default_alias
            except (TypeError, AttributeError):
                raise TypeError("Complex annotations require an alias") from None
            if name in kwargs:
                raise ValueError(
                    f"The named annotation '{name}' conflicts with the default name for another annotation."
                )
            annotations[name] = arg
        annotations.update(kwargs)
        taken = {n for f in self.model._meta.concrete_fields for n in (f.name, f.attname)} | {"pk"}
        for name in annotations:
            if name in taken:
                raise ValueError(f"The annotation '{name}' conflicts with a field on the model.")
        clone = self._chain()
        clone._push_annotations(annotations, select)
        return clone

    def _push_annotations(self, annotations: dict, select: bool) -> None:
        """Compute ``annotations`` in each tenant's SELECT; the union gets a column for each."""
        rows = self._push(("annotate", annotations), annotations)
        query = self._query
        alias = query.get_initial_alias()
        resolved = rows.queryset(rows.tenants[0]).query.annotations if rows.tenants else {}
        for name in annotations:
            if name in resolved:
                expression = DerivedCol(alias, _derived_column(self.model, name, resolved[name].output_field))
                expression.source = resolved[name]
            else:
                expression = Value(None, output_field=models.Field())
            query.add_annotation(expression, name, select=select)

    def _with_paths(self, names: Iterable, select: bool) -> CrossTenantQuerySet:
        """A clone where each name among ``names`` that leads through a relation of the model
        (``product__name``, ``tags__label``) is a column computed in each tenant's SELECT."""
        opts = self.model._meta
        local = {n: f for f in opts.concrete_fields for n in (f.name, f.attname)}
        paths: dict[str, F] = {}
        promote = []
        for name in names:
            if not isinstance(name, str):
                continue
            path = name.lstrip("-+")
            root, _, rest = path.partition(LOOKUP_SEP)
            if path == "?" or root in (TENANT, f"{TENANT}_id", "pk"):
                continue
            if path in self._query.annotations:
                if select and path not in self._query.annotation_select:
                    promote.append(path)
                continue
            field = local.get(root)
            if field is not None and not (rest and isinstance(field, _KeyColumn) and not field.primary_key):
                continue  # a column of the union, maybe with a transform (created__year)
            paths[path] = F(path)
        if not paths and not promote:
            return self
        clone = self._chain()
        if paths:
            clone._push_annotations(paths, select)
        if promote:
            clone._query.append_annotation_mask(promote)
        return clone

    def aggregate(self, *args, **kwargs):
        """Aggregate over the union; ``Sum("product__price")`` reads the path in each tenant's SELECT."""
        clone = self._with_paths(_field_paths((*args, *kwargs.values())), select=True)
        return super(CrossTenantQuerySet, clone).aggregate(*args, **kwargs)

    def _values(self, *fields, **expressions):
        return super(CrossTenantQuerySet, self._with_paths(fields, select=True))._values(*fields, **expressions)

    def order_by(self, *field_names):
        """Order the union; a name through a relation (``product__name``) is fetched in each tenant."""
        if self.query.is_sliced:
            return super().order_by(*field_names)
        return super(CrossTenantQuerySet, self._with_paths(field_names, select=False)).order_by(*field_names)

    # Loading ------------------------------------------------------------------------------------

    def only(self, *fields):
        return super().only(*fields, TENANT)

    def defer(self, *fields):
        if {TENANT, f"{TENANT}_id"} & set(fields):
            raise ValueError("The tenant of each row is needed to load it: it cannot be deferred.")
        return super().defer(*fields)

    def first(self):
        """The first row; unordered, rows are ordered by tenant, then primary key."""
        if self.ordered or self.query.group_by is not None:
            return super().first()
        return self.order_by(f"{TENANT}_id", "pk").first()

    def last(self):
        """The last row; unordered, rows are ordered by tenant, then primary key."""
        if self.ordered or self.query.group_by is not None:
            return super().last()
        return self.order_by(f"{TENANT}_id", "pk").last()

    def contains(self, obj) -> bool:
        """Whether ``obj``, an instance of a tenant class, is one of the rows."""
        if self._fields is not None:
            raise TypeError("Cannot call QuerySet.contains() after .values() or .values_list().")
        if not isinstance(obj, models.Model):
            raise TypeError("'obj' must be a model instance.")
        tenant = _owner(type(obj))
        if tenant is None or type(obj)._tenancy_declared is not self._tenant_rows().declared:
            return False
        if obj.pk is None:
            raise ValueError("QuerySet.contains() cannot be used on unsaved objects.")
        if self._result_cache is not None:
            return any(
                type(row) is type(obj) and row.pk == obj.pk and _same_tenant(row.tenant, tenant)
                for row in self._result_cache
            )
        return self.filter(**{TENANT: tenant.pk, "pk": obj.pk}).exists()

    # Not supported ------------------------------------------------------------------------------

    update = _read_only("update")
    _update = _read_only("update")
    delete = _read_only("delete")
    _raw_delete = _read_only("delete")
    create = _read_only("create")
    bulk_create = _read_only("bulk_create")
    bulk_update = _read_only("bulk_update")
    get_or_create = _read_only("get_or_create")
    update_or_create = _read_only("update_or_create")
    select_for_update = _not_supported("select_for_update", "rows of a UNION ALL cannot be locked.")
    select_related = _not_supported(
        "select_related", "relations are resolved in each tenant; annotate(name=F('relation__field')) instead."
    )
    in_bulk = _not_supported("in_bulk", "primary keys are only unique within a tenant.")
    union = _not_supported("union", "pass all the tenants to across_tenants() and combine filters with Q.")
    intersection = _not_supported("intersection", "combine filters with Q.")
    difference = _not_supported("difference", "combine filters with Q.")
    __or__ = _not_supported("|", "combine filters with Q objects instead.")
    __and__ = _not_supported("&", "combine filters with Q objects instead.")
    __xor__ = _not_supported("^", "combine filters with Q objects instead.")

    def prefetch_related(self, *lookups):
        if lookups and lookups != (None,):
            raise NotSupportedError(
                "prefetch_related() is not supported on a cross-tenant queryset: each row's relations "
                "live in its own tenant. Use annotate(), or prefetch per tenant."
            )
        return super().prefetch_related(*lookups)


def across_tenants(
    model: type[TenantModel],
    tenants: Iterable[AbstractTenant],
    *,
    manager: str | None = None,
) -> CrossTenantQuerySet:
    """A read-only queryset over the ``model`` rows of every tenant in ``tenants``, in one query.

    ``model`` is a declared tenant model (``Order``; a tenant's own class is accepted too).
    ``tenants`` is an iterable of saved tenants or a queryset of them (evaluated here, once); they
    must all live in one database. Each tenant's SELECT starts from the model's default manager, or
    from the manager named ``manager``.

    The queryset supports ``filter()``/``exclude()`` (also across relations: they run in each
    tenant's SELECT), ``annotate()``, ``values()``/``values_list()`` (``tenant`` is the tenant's
    primary key), ``order_by()`` (also by ``tenant``), ``count()``, ``aggregate()``, ``exists()``,
    slicing, ``first()``/``last()``, ``get()`` and iteration; each runs as one SQL statement.
    Names through relations (``product__name``) work in ``values()``, ``order_by()`` and
    aggregates too: they are fetched in each tenant's SELECT.
    Iterating yields instances of each row's own tenant class; ``row.tenant`` is its tenant. Every
    method that writes raises :class:`django.db.NotSupportedError`.
    """
    declared = _declared(model)
    tenant_model = get_tenant_model()
    unique: dict = {}
    for tenant in tenants:
        if not isinstance(tenant, tenant_model):
            raise TypeError(f"{tenant!r} is not a {tenant_model._meta.label} instance.")
        if tenant.pk is None or tenant._state.adding:
            raise ValueError(f"{tenant!r} has not been saved: it has no tables yet.")
        unique.setdefault(tenant.pk, tenant)
    chosen = tuple(unique.values())
    databases = {tenant._state.db or router.db_for_read(tenant_model, instance=tenant) for tenant in chosen}
    if len(databases) > 1:
        raise ValueError(
            f"The tenants live in several databases ({', '.join(sorted(databases))}); one query cannot read them all."
        )
    using = databases.pop() if databases else router.db_for_read(tenant_model)
    rows_model = row_model(declared)
    if manager is not None:
        with _row_models_lock:
            managers = {m.name for m in _template(declared)._meta.managers}
        if manager not in managers:
            raise ValueError(f"{declared._meta.label} has no manager named {manager!r}.")
    columns = (*rows_model._tenancy_columns, TENANT)
    rows = TenantRows(declared=declared, tenants=chosen, manager=manager, columns=columns)
    queryset = CrossTenantQuerySet(model=rows_model, using=using)
    queryset.query.join(UnionTable(rows_model._meta.db_table, None, rows))
    return queryset
