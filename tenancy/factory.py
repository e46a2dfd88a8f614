"""Build the concrete model classes of one tenant.

Each tenant gets a private app registry (:class:`TenantApps`) in which its classes are registered
under their declared labels (``shop.Order``). Django resolves a relation by looking its target's
label up in the registry of the model that declares it, so a ``ForeignKey(Product)`` copied into
acme's ``Order`` resolves to acme's ``Product``, while ``ForeignKey("auth.User")`` falls through to
the global registry. Nothing global refers to these classes, so they are garbage once their tenant
lets go of them.
"""

from __future__ import annotations

import copy
import functools
from collections import ChainMap
from typing import TYPE_CHECKING

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import connections
from django.db.models import ManyToManyField
from django.db.models.base import subclass_exception
from django.utils.functional import cached_property as django_cached_property

from . import naming
from .base import TenantModel, declared_models
from .contenttypes import tenant_aware_generic_foreign_key
from .exceptions import TenancyConfigurationError
from .fields import global_many_to_many_class
from .relations import tenant_target

if TYPE_CHECKING:
    from .tenants import AbstractTenant


class FallbackApps(Apps):
    """An app registry of private models that resolves any other label in the global registry."""

    def __init__(self):
        super().__init__(installed_apps=())

    def get_registered_model(self, app_label, model_name):
        model = self.all_models[app_label].get(model_name.lower())
        if model is None:
            return global_apps.get_registered_model(app_label, model_name)
        return model


class TenantApps(FallbackApps):
    """The app registry of one tenant's classes, falling back to the global one for the rest.

    A tenant's class carries a tenant-qualified app label (``tenant_acme:shop``, see
    :func:`tenancy.naming.app_label`) and is registered under it and under its declared app label
    (``shop``), so that ``ForeignKey(Product)`` and ``"shop.Product"`` find it as well.
    """

    def __init__(self, tenant: AbstractTenant):
        self.building = True  # caches are expired once, when build_models() is done
        super().__init__()
        # The global app configs (read only), and each tenant app label's declared app: so that
        # Options.app_config, and with it each app's default_auto_field, is the declared models'.
        self.app_configs = ChainMap({}, global_apps.app_configs)
        self.tenant = tenant

    def register_model(self, app_label, model):
        model_name = model._meta.model_name
        labels = [app_label]
        declared = getattr(model, "_tenancy_declared", None)
        if declared is not None:
            labels.append(declared._meta.app_label)
            self.app_configs.maps[0].setdefault(app_label, global_apps.app_configs.get(labels[1]))
        labels = list(dict.fromkeys(labels))
        for label in labels:
            if model_name in self.all_models[label]:
                raise RuntimeError(f"Conflicting '{model_name}' models in application '{label}'.")
            self.all_models[label][model_name] = model
        for label in labels:
            for function in self._pending_operations.pop((label, model_name), []):
                function(model)
        self.clear_cache()

    def get_models(self, include_auto_created=False, include_swapped=False):
        models = {
            model: None
            for app_models in self.all_models.values()
            for model in app_models.values()
            if include_auto_created or not model._meta.auto_created
        }
        return list(models)

    def get_model(self, app_label, model_name=None, require_ready=True):
        if model_name is None:
            app_label, model_name = app_label.split(".")
        return self.get_registered_model(app_label, model_name)

    def get_swappable_settings_name(self, to_string):
        return global_apps.get_swappable_settings_name(to_string)

    def clear_cache(self):
        # Apps.clear_cache() would clear the global registry's functools caches; this registry has
        # none. Expiring each model's field caches once the build is over is enough.
        if not self.building:
            for model in self.get_models(include_auto_created=True):
                model._meta._expire_cache()


def tenant_tables(connection) -> list[str]:
    """The unqualified names of every table a tenant has, auto-created M2M tables included."""
    tables = []
    for model in declared_models:
        if model._tenancy_proxy:
            continue
        tables.append(model._meta.db_table)
        tables.extend(
            _m2m_table(connection, model._meta, field)
            for field in model._meta.local_many_to_many
            if _auto_through(field)
        )
    return tables


def _m2m_table(connection, opts, field) -> str:
    """The unqualified table of an auto-created M2M, named as Django names it."""
    return naming.m2m_table(opts.db_table, field.name, field.db_table, connection.ops.max_name_length())


def _auto_through(field: ManyToManyField) -> bool:
    through = field.remote_field.through
    return through is None or (not isinstance(through, str) and through._meta.auto_created)


def build_models(tenant: AbstractTenant, using: str) -> dict[type[TenantModel], type[TenantModel]]:
    """Build the classes of ``tenant`` (stored in database ``using``), keyed by declared model."""
    connection = connections[using]
    schema = tenant.db_schema
    registry = TenantApps(tenant)
    classes = {}
    for declared in declared_models:  # parents are declared, so built, before their children
        classes[declared] = _build(declared, classes, schema, registry, connection)
    registry.building = False
    pending = sorted(f"{app}.{model}" for app, model in registry._pending_operations)
    if pending:
        raise TenancyConfigurationError(
            f"Tenant models refer to {', '.join(pending)}, which is neither a tenant model nor an "
            "installed global model. Check the app is in INSTALLED_APPS and the name is spelled right."
        )
    registry.clear_cache()
    return classes


def neutral_models() -> dict[type[TenantModel], type[TenantModel]]:
    """Concrete classes of the declared models as they are in no tenant, keyed by declared model.

    They carry the declared app labels and unqualified table, index and constraint names, and
    tenancy's migration state is made of them (:mod:`tenancy.tenant_migrations.state`). They are
    never queried.
    """
    registry = TenantApps(None)
    classes = {}
    for declared in declared_models:
        classes[declared] = _build(declared, classes, None, registry, None)
    registry.building = False
    registry.clear_cache()
    return classes


def _build(declared, classes, schema, registry, connection):
    """The class of ``declared`` for the tenant whose schema is ``schema`` (None: no tenant)."""
    opts = declared._meta
    neutral = schema is None
    label = opts.app_label if neutral else naming.app_label(schema, opts.app_label)
    meta_attrs = {"apps": registry, "app_label": label}
    if declared._tenancy_proxy:
        meta_attrs["proxy"] = True
    elif neutral:
        meta_attrs["indexes"] = [copy.deepcopy(index) for index in opts.indexes]
        meta_attrs["constraints"] = [copy.deepcopy(constraint) for constraint in opts.constraints]
    else:
        meta_attrs["db_table"] = naming.table_name(connection, schema, opts.db_table)
        meta_attrs["indexes"] = [renamed(index, connection, schema) for index in opts.indexes]
        meta_attrs["constraints"] = [renamed(constraint, connection, schema) for constraint in opts.constraints]
    attrs = {
        "_tenancy_build": True,
        "_tenancy_declared": declared,
        "_tenancy_tenant": registry.tenant,
        "_tenancy_using": None if neutral else connection.alias,
        "__module__": declared.__module__,
        "__qualname__": declared.__qualname__,
        "Meta": type("Meta", (declared.Meta,), meta_attrs),
    }
    for field in opts.local_fields + opts.local_many_to_many + opts.private_fields:
        attrs[field.name] = copy.deepcopy(field) if neutral else _tenant_field(field, opts, connection, schema)
    parent = declared._tenancy_parent
    bases = (declared,) if parent is None else (declared, classes[parent])
    model = type(declared)(declared.__name__, bases, attrs)
    for name in ("DoesNotExist", "MultipleObjectsReturned"):
        # Django derives these from concrete parents only; make them subclass the declared model's.
        own = getattr(model, name)
        setattr(model, name, subclass_exception(name, (own, getattr(declared, name)), model.__module__, model))
    return model


def renamed(obj, connection, schema):
    """A copy of the index or constraint ``obj`` with the tenant's name for it."""
    obj = copy.deepcopy(obj)
    if obj.name:
        obj.name = naming.object_name(connection, schema, obj.name)
    return obj


def _fresh_copy(obj):
    """A shallow copy of ``obj`` without the values its cached properties computed on the original."""
    obj = copy.copy(obj)
    for name in _cached_properties(type(obj)):
        obj.__dict__.pop(name, None)
    return obj


@functools.cache
def _cached_properties(klass: type) -> tuple[str, ...]:
    return tuple(
        name
        for base in klass.__mro__
        for name, attr in vars(base).items()
        if isinstance(attr, functools.cached_property | django_cached_property)
    )


def _tenant_field(field, opts, connection, schema):
    # What Field.__deepcopy__ does, but cached properties of the declared field (computed while it
    # pointed at a declared model) would be wrong for the tenant's copy.
    field = _fresh_copy(field)
    if _is_generic_foreign_key(field):
        tenant_aware_generic_foreign_key(field)
    remote = getattr(field, "remote_field", None)
    if remote is None:
        return field
    field.remote_field = remote = _fresh_copy(remote)
    if getattr(remote, "field", None) is not None:
        remote.field = field
    if remote.model != "self" and tenant_target(remote.model, opts.app_label) is None:
        # A global model is shared by every tenant: a reverse accessor on it would have to pick one
        # tenant, and would keep every tenant's classes alive. Tenant classes install none.
        if not (remote.related_name or "").endswith("+"):
            remote.related_name = f"_tenancy_{opts.app_label}_{opts.model_name}_{field.name}+"
        if field.many_to_many:
            field.__class__ = global_many_to_many_class(type(field))
    if field.many_to_many and _auto_through(field):
        field.db_table = naming.table_name(connection, schema, _m2m_table(connection, opts, field))
    return field


def _is_generic_foreign_key(field) -> bool:
    if not global_apps.is_installed("django.contrib.contenttypes"):
        return False
    from django.contrib.contenttypes.fields import GenericForeignKey

    return isinstance(field, GenericForeignKey)
