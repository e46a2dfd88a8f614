"""Row models: the models of the rows a cross-tenant query reads, one per declared model.

A row model is an unmanaged model, registered in a private app registry and never in the global
one, with one column per concrete field of the model's tenant classes (a foreign key becomes a
plain column holding the key) plus ``tenant``, a foreign key to the tenant model.
"""

from __future__ import annotations

import threading
from typing import Any

from django.db import NotSupportedError, models, router
from django.db.models.base import ModelBase
from django.db.models.fields import AutoFieldMixin

from ..base import TenantModel
from ..factory import FallbackApps, build_models
from ..utils import get_tenant_model

#: The name of the column (and of the attribute on each row) that tells a row's tenant.
TENANT = "tenant"


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
                "apps": FallbackApps(),  # relations to global models resolve globally
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
