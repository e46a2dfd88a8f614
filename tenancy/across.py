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

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.core.exceptions import EmptyResultSet
from django.core.management.color import no_style
from django.db import IntegrityError, NotSupportedError, connections, models, router, transaction
from django.db.models import F, Q, QuerySet
from django.db.models.base import ModelBase
from django.db.models.constants import LOOKUP_SEP
from django.db.models.expressions import Col, OuterRef, ResolvedOuterRef, Value
from django.db.models.fields import AutoFieldMixin
from django.db.models.functions import Cast
from django.db.models.query import BaseIterable
from django.db.models.sql.datastructures import BaseTable

from .base import TenantModel
from .utils import get_tenant_model

if TYPE_CHECKING:
    from .tenants import AbstractTenant

__all__ = ["CrossTenantQuerySet", "UnionTable", "across_tenants", "copy_rows", "row_model"]

#: The name of the column (and of the attribute on each row) that tells a row's tenant.
TENANT = "tenant"

# SQLite refuses a compound SELECT of more than SQLITE_MAX_COMPOUND_SELECT (500 by default) parts:
# past that the branches are nested in groups.
SQLITE_MAX_COMPOUND = 500

_PROHIBITED_FILTER_KWARGS = frozenset(["_connector", "_negated"])


# --------------------------------------------------------------------------------------------------
# Row models
# --------------------------------------------------------------------------------------------------


class _RowApps(Apps):
    """The private registry of one row model; relations to global models resolve globally."""

    def __init__(self):
        super().__init__(installed_apps=())

    def get_registered_model(self, app_label, model_name):
        model = self.all_models[app_label].get(model_name.lower())
        if model is None:
            return global_apps.get_registered_model(app_label, model_name)
        return model


class _KeyColumn:
    """Mixin of a column that holds a key: a model instance given as a value stands for its pk.

    Also lets the attribute name differ from the field name, as a foreign key's ``product_id``.
    """

    _tenancy_attname: str | None = None
    _tenancy_base: type[models.Field]

    def get_prep_value(self, value):
        if isinstance(value, models.Model):
            value = value.pk
        return super().get_prep_value(value)

    def get_attname(self):
        return self._tenancy_attname or super().get_attname()

    def get_internal_type(self):
        internal = super().get_internal_type()
        # Field.get_internal_type() falls back on the class name, which is ours, not the base's.
        return self._tenancy_base.__name__ if internal == type(self).__name__ else internal


_key_classes: dict[type, type] = {}

# Options of a field that do not change what its values are: dropped when a key column is made
# of the target field of a relation.
_NON_TYPE_OPTIONS = frozenset(
    (
        "primary_key unique db_index db_column db_tablespace null blank default db_default editable "
        "serialize unique_for_date unique_for_month unique_for_year choices help_text db_comment "
        "validators error_messages verbose_name auto_created auto_now auto_now_add"
    ).split()
)


def _key_class(field_class: type[models.Field]) -> type[models.Field]:
    if issubclass(field_class, AutoFieldMixin):
        # An auto field's values are plain integers of its size.
        field_class = next(
            k for k in field_class.__mro__ if issubclass(k, models.Field) and not issubclass(k, AutoFieldMixin)
        )
    key_class = _key_classes.get(field_class)
    if key_class is None:
        key_class = type(
            f"Key{field_class.__name__}",
            (_KeyColumn, field_class),
            {"__module__": __name__, "_tenancy_base": field_class},
        )
        _key_classes[field_class] = key_class
    return key_class


def _key_field(target: models.Field, **options) -> models.Field:
    """A plain column holding the values of ``target`` (the target field of a relation)."""
    attname = options.pop("attname", None)
    if isinstance(target, AutoFieldMixin):
        kwargs = {}
    else:
        _, _, args, kwargs = target.deconstruct()
        kwargs = {k: v for k, v in kwargs.items() if k not in _NON_TYPE_OPTIONS}
    field = _key_class(type(target))(**kwargs, **options)
    field._tenancy_attname = attname
    return field


class _Phantom:
    """Stands for a tenant when classes are built only to read their fields (no table is touched)."""

    db_schema = "tenancy_rows"
    pk = None


_phantom_classes: dict[type, type] = {}


def _template(declared: type[TenantModel]) -> type[TenantModel]:
    """A tenant class of ``declared``, built for no tenant: the row model mirrors its fields.

    Building classes runs no query; those of the phantom tenant are built once and kept.
    """
    if declared not in _phantom_classes:
        from .factory import build_models

        _phantom_classes.clear()
        _phantom_classes.update(build_models(_Phantom(), router.db_for_read(get_tenant_model())))
    return _phantom_classes[declared]


def _column(template: type[TenantModel], field: models.Field) -> models.Field:
    """The row model's column mirroring the concrete field ``field`` of a tenant class."""
    primary_key = field is template._meta.pk
    if field.is_relation or primary_key or isinstance(field, AutoFieldMixin):
        return _key_field(
            field.target_field if field.is_relation else field,
            attname=field.attname,
            db_column=field.attname,
            null=field.null,
            primary_key=primary_key,
        )
    if isinstance(field, models.GeneratedField):
        field = field.output_field
    _, _, args, kwargs = field.deconstruct()
    kwargs.update(db_column=field.attname, primary_key=False)
    kwargs.pop("db_default", None)
    return type(field)(*args, **kwargs)


_row_models: dict[tuple[type, type], type[models.Model]] = {}
_row_models_lock = threading.RLock()


def row_model(model: type[TenantModel]) -> type[models.Model]:
    """The unmanaged row model of a declared tenant model, built on first use and then cached.

    It has a column per concrete field of the model's tenant classes (a relation becomes a plain
    column of its target's type, under the field's name, stored in the column named like the
    attribute: ``product``/``product_id``) and a ``tenant`` foreign key to the tenant model. It is
    registered in a private app registry only.
    """
    declared = _declared(model)
    tenant_model = get_tenant_model()
    key = (declared, tenant_model)
    with _row_models_lock:
        cached = _row_models.get(key)
        if cached is not None:
            return cached
        opts = declared._meta
        template = _template(declared)
        if template._meta.pk is None or isinstance(template._meta.pk, models.CompositePrimaryKey):
            raise NotSupportedError(f"{opts.label} has a composite primary key; tenancy.across needs a single one.")
        fields = template._meta.concrete_fields
        names = {f.name for f in fields} | {f.attname for f in fields}
        clash = names & {TENANT, f"{TENANT}_id"}
        if clash:
            raise NotSupportedError(
                f"{opts.label} has a field named {sorted(clash)[0]!r}; tenancy.across names each row's "
                "tenant 'tenant', so it cannot query this model across tenants."
            )
        attrs: dict[str, Any] = {"__module__": __name__, "__qualname__": declared.__qualname__}
        for field in fields:
            attrs[field.name] = _column(template, field)
        attrs[TENANT] = models.ForeignKey(
            tenant_model, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+", db_column=TENANT
        )
        known = names | {TENANT, f"{TENANT}_id", "pk"}
        attrs["Meta"] = type(
            "Meta",
            (),
            {
                "apps": _RowApps(),
                "app_label": opts.app_label,
                "db_table": opts.db_table,
                "managed": False,
                "ordering": _outer_ordering(template._meta.ordering, known),
                "verbose_name": opts.verbose_name,
                "verbose_name_plural": opts.verbose_name_plural,
            },
        )
        model_class = ModelBase(declared.__name__, (models.Model,), attrs)
        model_class.DoesNotExist = declared.DoesNotExist
        model_class.MultipleObjectsReturned = declared.MultipleObjectsReturned
        model_class._tenancy_row_of = declared
        model_class._tenancy_columns = tuple(f.attname for f in fields)
        _row_models[key] = model_class
        return model_class


def _outer_ordering(ordering, known: set[str]) -> list:
    """The declared ordering if the outer query can apply it (no relations), else none at all."""
    for item in ordering:
        if not isinstance(item, str):
            return []
        name = item.lstrip("-+")
        if item != "?" and name not in known:
            return []
    return list(ordering)


def _declared(model) -> type[TenantModel]:
    declared = getattr(model, "_tenancy_declared", None)
    if declared is None or not isinstance(model, type):
        raise TypeError(f"{model!r} is not a tenant model (a declared subclass of tenancy.models.TenantModel).")
    return declared


# --------------------------------------------------------------------------------------------------
# The UNION ALL
# --------------------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------------------
# The queryset
# --------------------------------------------------------------------------------------------------


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


def _roots(q: Q) -> set[str] | None:
    """The first parts of the lookups in ``q``, or None if it holds a bare expression."""
    roots: set[str] = set()
    for child in q.children:
        if isinstance(child, Q):
            inner = _roots(child)
            if inner is None:
                return None
            roots |= inner
        elif isinstance(child, tuple):
            roots.add(child[0].split("__", 1)[0])
        else:
            return None
    return roots


def _field_paths(expressions) -> list[str]:
    """The names of the fields the expressions refer to with F() (or a string argument)."""
    names = []
    for expression in expressions:
        if isinstance(expression, OuterRef | ResolvedOuterRef):
            continue
        if isinstance(expression, F):
            names.append(expression.name)
        elif hasattr(expression, "get_source_expressions"):
            names.extend(_field_paths(e for e in expression.get_source_expressions() if e is not None))
    return names


def _refers_outside(q: Q) -> bool:
    """Whether a value of ``q`` is an OuterRef."""
    for child in q.children:
        if isinstance(child, Q):
            if _refers_outside(child):
                return True
        elif isinstance(child, tuple) and isinstance(child[1], (OuterRef, ResolvedOuterRef)):
            return True
    return False


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


class DerivedCol(Col):
    """A column of the union computed in each tenant's SELECT (a pushed-down annotation).

    Its values are converted as the expression that computes them would convert them (``Trunc``
    makes dates of timestamps, for instance), not merely as its output field would.
    """

    source = None  # the expression, as resolved in the first tenant's SELECT

    def relabeled_clone(self, relabels):
        clone = super().relabeled_clone(relabels)
        clone.source = self.source
        return clone

    def get_db_converters(self, connection):
        if self.source is None:
            return super().get_db_converters(connection)
        return self.source.get_db_converters(connection)


def _derived_column(model, name: str, output_field: models.Field) -> models.Field:
    """A field standing for the derived table's column ``name``, of ``output_field``'s type."""
    if output_field.is_relation:
        field = _key_field(output_field.target_field)
    elif isinstance(output_field, AutoFieldMixin):
        field = _key_field(output_field)
    else:
        _, _, args, kwargs = output_field.deconstruct()
        kwargs.update(db_column=None, primary_key=False)
        field = type(output_field)(*args, **kwargs)
    field.set_attributes_from_name(name)
    field.model = model  # not added to the model: only names it, as expressions' identity wants
    return field


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


# --------------------------------------------------------------------------------------------------
# Copying rows
# --------------------------------------------------------------------------------------------------


def _insert_select(cursor, connection, model, queryset: QuerySet) -> int:
    """``INSERT INTO <model's table> (...) SELECT ...`` from ``queryset``; the rows inserted.

    Only the columns of ``model``'s own table are copied (not a parent's, with multi-table
    inheritance), generated columns excepted.
    """
    fields = [f for f in model._meta.local_concrete_fields if not f.generated]
    if not queryset.query.is_sliced:
        queryset = queryset.order_by()
    select = queryset.values_list(*(f.attname for f in fields))
    try:
        sql, params = select.query.get_compiler(connection=connection).as_sql()
    except EmptyResultSet:
        return 0
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({columns}) {sql}", params)
    return cursor.rowcount


def _auto_m2m(model) -> list[models.ManyToManyField]:
    return [f for f in model._meta.local_many_to_many if f.remote_field.through._meta.auto_created]


def copy_rows(
    model: type[TenantModel],
    source: AbstractTenant,
    target: AbstractTenant,
    queryset: Q | Callable[[QuerySet], QuerySet] | None = None,
    *,
    m2m: bool = True,
) -> int:
    """Copy rows of ``model`` from tenant ``source`` to tenant ``target``, keeping primary keys.

    ``queryset`` chooses the rows: None copies them all, a ``Q`` object filters them, and a
    callable receives the source tenant's queryset (of its base manager) and returns the rows to
    copy, e.g. ``lambda rows: rows.filter(created__year=2024)``.

    The copy is one ``INSERT ... SELECT`` statement inside ``transaction.atomic()``. With ``m2m``
    (the default) the rows of the model's own auto-created many-to-many tables that belong to the
    copied rows are copied too, by one more ``INSERT ... SELECT`` each; explicit ``through`` models
    are models of their own, to copy with ``copy_rows()``. The foreign keys of the copied rows are
    then checked, so copy the rows a model points to first (``Product`` before ``Order``, ``Tag``
    before ``Order.tags``, a multi-table parent before its child, whose own table alone is
    copied): a row pointing at a row missing from ``target`` raises IntegrityError. A proxy model
    copies rows of its concrete model.
    On PostgreSQL the sequences of the copied tables are reset past the largest key, so later
    inserts do not collide. A primary key already present in ``target`` raises IntegrityError; on
    any error nothing is copied. Returns the number of ``model`` rows copied.
    """
    declared = _declared(model)
    if _same_tenant(source, target):
        raise ValueError("The source and the target are the same tenant.")
    using = source._state.db or router.db_for_write(type(source), instance=source)
    if (target._state.db or using) != using:
        raise ValueError("The source and the target tenants live in different databases.")
    source_model, target_model = declared.for_tenant(source), declared.for_tenant(target)
    rows = source_model._base_manager.db_manager(using).all()
    if isinstance(queryset, Q):
        rows = rows.filter(queryset)
    elif callable(queryset):
        rows = queryset(rows)
        if not isinstance(rows, QuerySet) or rows.model is not source_model:
            raise TypeError(f"queryset must return a queryset of {source!r}'s {declared.__name__} class.")
    elif queryset is not None:
        raise TypeError("queryset must be None, a Q object or a callable taking and returning a queryset.")
    connection = connections[using]
    # A proxy's rows are in its concrete model's table.
    source_table, target_table = source_model._meta.concrete_model, target_model._meta.concrete_model
    # MySQL checks foreign keys row by row, so a row pointing at one inserted later by the same
    # statement would fail; checks are off during the copy and run over the copied tables after it.
    deferred_checks = connection.constraint_checks_disabled() if connection.vendor == "mysql" else nullcontext()
    with transaction.atomic(using=using), connection.cursor() as cursor, deferred_checks:
        copied = _insert_select(cursor, connection, target_table, rows)
        tables, reset = [target_table._meta.db_table], [target_table]
        fields = _auto_m2m(source_table) if m2m and copied else []
        if fields:
            chosen = rows.values("pk")
            if rows.query.is_sliced:
                chosen = list(chosen.values_list("pk", flat=True))  # MySQL refuses LIMIT in IN (...)
            for field in fields:
                through = field.remote_field.through
                target_through = target_table._meta.get_field(field.name).remote_field.through
                links = through._base_manager.db_manager(using).all()
                if queryset is not None:
                    links = links.filter(**{f"{field.m2m_field_name()}__in": chosen})
                _insert_select(cursor, connection, target_through, links)
                tables.append(target_through._meta.db_table)
                reset.append(target_through)
        try:
            connection.check_constraints(table_names=tables)
        except IntegrityError as error:
            raise IntegrityError(
                f"Copying {declared.__name__} rows from {source!r} to {target!r} would leave a foreign key "
                f"pointing at a row {target!r} does not have: copy the rows it points to first. ({error})"
            ) from error
        for sql in connection.ops.sequence_reset_sql(no_style(), reset):
            cursor.execute(sql)
    return copied
