"""The declared side of tenant-specific models: ``TenantModel`` and its metaclass.

A class written by a user as ``class Order(TenantModel)`` is a *declared* tenant model. Django
sees it as an abstract model: it has no table and no manager of its own. Every tenant gets a
concrete subclass of it, built by :mod:`tenancy.factory`, whose table lives in that tenant's
schema (or carries its table prefix). ``Order.for_tenant(tenant)`` returns that subclass.
"""

from __future__ import annotations

import copyreg
from typing import TYPE_CHECKING, Any, TypeVar

import django
from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist
from django.db import models
from django.db.models.base import ModelBase, subclass_exception
from django.db.models.manager import ManagerDescriptor
from django.db.utils import DJANGO_VERSION_PICKLE_KEY

from .exceptions import TenancyConfigurationError, TenantModelUnavailable
from .registry import models_of

if TYPE_CHECKING:
    from .tenants import AbstractTenant

M = TypeVar("M", bound="TenantModel")

# Declared tenant models in the order they were defined: the factory builds them in this order.
declared_models: list[type[TenantModel]] = []

TENANT_META_OPTIONS = ("related_name",)


class TenantManagerDescriptor(ManagerDescriptor):
    """Stands where a declared tenant model's managers would be; explains how to reach them."""

    def __init__(self, name: str):
        self.name = name

    def __get__(self, instance, cls=None):
        if instance is not None:
            raise AttributeError(f"Manager isn't accessible via {cls.__name__} instances")
        if cls._meta.abstract:
            raise TenantModelUnavailable(
                f"{cls.__name__}.{self.name} is not available: {cls._meta.label} is tenant specific, "
                f"every tenant has its own {cls.__name__} class. Use "
                f"{cls.__name__}.for_tenant(tenant).{self.name} or tenant.models[{cls.__name__}].{self.name}."
            )
        return cls._meta.managers_map[self.name]


class TenantModelBase(ModelBase):
    """Metaclass of declared tenant models and of the classes built for each tenant."""

    def __new__(mcs, name, bases, attrs, **kwargs):
        if attrs.pop("_tenancy_build", False):
            # A concrete class for one tenant, built by tenancy.factory.
            return super().__new__(mcs, name, bases, attrs, **kwargs)
        tenant_meta = attrs.pop("TenantMeta", None)
        meta = attrs.get("Meta")
        template = meta is not None and getattr(meta, "abstract", False)
        parents = [base for base in bases if _is_declared(base)]
        if template and parents:
            raise TenancyConfigurationError(
                f"{name} is abstract but inherits from the tenant model {parents[0].__name__}: an abstract "
                "tenant model may only inherit from TenantModel and other abstract models."
            )
        if len(parents) > 1:
            raise TenancyConfigurationError(
                f"{name} inherits from several tenant models ({', '.join(p.__name__ for p in parents)}); "
                "tenancy supports one concrete parent per model."
            )
        proxy = bool(getattr(meta, "proxy", False))
        if not template:
            # Declared tenant models are abstract to Django: only their tenant subclasses are concrete.
            # A child of another declared model (multi-table inheritance or proxy) is declared without
            # that parent, whose fields it must not copy; its tenant classes inherit from the tenant's
            # class of the parent instead (see tenancy.factory).
            bases = tuple(base for base in bases if base not in parents)
            if not any(issubclass(base, TenantModel) for base in bases):
                bases += (TenantModel,)
            # Without a Meta of its own, a model inherits its abstract parent's, as in Django.
            meta = meta or next((base.Meta for base in bases if hasattr(base, "Meta")), None)
            module = attrs.get("__module__")
            attrs["Meta"] = type(
                "Meta", (meta,) if meta else (), {"abstract": True, "proxy": False, "__module__": module}
            )
        cls = super().__new__(mcs, name, bases, attrs, **kwargs)
        cls._tenancy_declared = None if template else cls
        cls._tenancy_parent = parents[0] if parents else None
        cls._tenancy_proxy = proxy
        cls._tenant_meta = _tenant_meta_options(name, tenant_meta)
        if not template:
            if proxy and not parents:
                raise TenancyConfigurationError(f"Proxy model {name} has no tenant model to be a proxy of.")
            _add_exceptions(cls, parents)
            names = {m.name for model in (cls, *parents) for m in model._meta.managers}
            for manager_name in names | {"objects"}:
                setattr(cls, manager_name, TenantManagerDescriptor(manager_name))
            cls.for_tenant = _for_tenant_of(cls)
            declared_models.append(cls)
        return cls


def _for_tenant_of(declared):
    """``declared.for_tenant``, as a staticmethod closed over the model: a classmethod would bind
    a method object on every call, and this is the hot path of the whole package."""

    def for_tenant(tenant):
        try:
            return tenant._tenancy_classes[declared]
        except (AttributeError, KeyError):
            return models_of(tenant)[declared]

    for_tenant.__doc__ = TenantModel.for_tenant.__doc__
    return staticmethod(for_tenant)


def _is_declared(model) -> bool:
    return getattr(model, "_tenancy_declared", None) is model


def _add_exceptions(cls, parents) -> None:
    """Give a declared model DoesNotExist and MultipleObjectsReturned, as a concrete model has.

    Django gives them to concrete models only; each tenant class's own exceptions subclass these,
    so ``except Order.DoesNotExist`` catches the error of every tenant's ``Order``.
    """
    for name, default in (("DoesNotExist", ObjectDoesNotExist), ("MultipleObjectsReturned", MultipleObjectsReturned)):
        bases = tuple(getattr(parent, name) for parent in parents) or (default,)
        setattr(cls, name, subclass_exception(name, bases, cls.__module__, cls))


def _tenant_meta_options(model_name: str, tenant_meta) -> dict[str, Any]:
    if tenant_meta is None:
        return {}
    options = {k: v for k, v in vars(tenant_meta).items() if not k.startswith("_")}
    unknown = set(options) - set(TENANT_META_OPTIONS)
    if unknown:
        raise TenancyConfigurationError(
            f"{model_name}.TenantMeta has unknown option(s) {', '.join(sorted(unknown))}; "
            f"the options are: {', '.join(TENANT_META_OPTIONS)}."
        )
    return options


class TenantModel(models.Model, metaclass=TenantModelBase):
    """Base class of tenant-specific models.

    Subclass it like ``models.Model``. The subclass is a template: each tenant gets a concrete
    subclass of it, reached with :meth:`for_tenant` or ``tenant.models[Model]``.
    """

    class Meta:
        abstract = True

    @classmethod
    def for_tenant(cls: type[M], tenant: AbstractTenant) -> type[M]:
        """Return the concrete model class of ``tenant`` for this declared model.

        The same class object is returned on every call while the tenant stays in the cache.
        """
        try:
            return tenant._tenancy_classes[cls]
        except (AttributeError, KeyError):
            return models_of(tenant)[cls]

    def __reduce__(self):
        tenant = getattr(type(self), "_tenancy_tenant", None)
        if tenant is None:
            return super().__reduce__()
        data = self.__getstate__()
        data[DJANGO_VERSION_PICKLE_KEY] = django.__version__
        return _unpickle_instance, (tenant, type(self)._tenancy_declared._meta.label), data


def _tenant_class(tenant, label: str) -> type[TenantModel]:
    return models_of(tenant)[label]


def _unpickle_instance(tenant, label: str):
    cls = _tenant_class(tenant, label)
    return cls.__new__(cls)


def _reduce_tenant_class(cls):
    tenant = cls.__dict__.get("_tenancy_tenant")
    if tenant is None:
        return cls.__qualname__  # a declared model: pickled by reference, as usual
    return _tenant_class, (tenant, cls._tenancy_declared._meta.label)


copyreg.pickle(TenantModelBase, _reduce_tenant_class)
