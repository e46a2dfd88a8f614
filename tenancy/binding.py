"""Classes declared on a declared tenant model (model forms, filter sets), bound to a tenant's class.

Django's ``ModelForm`` and django-filter's ``FilterSet`` build their fields from ``Meta.model``
when the class is created, which a declared tenant model cannot serve (it has no table, and its
relations point at models without rows). Their tenancy counterparts' metaclasses call
:func:`defer_declared_model`, so that the declared class is built without the model's fields and
keeps the model in ``_tenancy_model``; :func:`bound_subclass` makes its subclass for a tenant's
class, with ``Meta.model`` that class, once: it is kept on the tenant's class and goes with it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import models

from .tenants import AbstractTenant


def tenant_class(model: type[models.Model], tenant: AbstractTenant) -> type[models.Model]:
    """The class of ``model`` to use at ``tenant``: a declared tenant model's tenant class, or
    ``model`` itself (a global model, or already the tenant's class)."""
    declared = getattr(model, "_tenancy_declared", None)
    if declared is None:
        return model  # a global model
    if declared is model:
        return model.for_tenant(tenant)
    owner = model._tenancy_tenant
    if owner is not None and (owner.pk, owner._state.db) != (tenant.pk, tenant._state.db):
        raise ValueError(f"{model.__name__} is the class of tenant {owner}, not of {tenant}.")
    return model


def is_declared(model: Any) -> bool:
    """Whether ``model`` is a declared tenant model (``Order``, not ``Order.for_tenant(acme)``)."""
    return model is not None and getattr(model, "_tenancy_declared", None) is model


def defer_declared_model(bases: tuple, attrs: dict) -> tuple[type[models.Model], type] | None:
    """For a class being created whose ``Meta.model`` is a declared tenant model: put a Meta without
    a model in ``attrs``, and return the model and the original Meta (else None)."""
    meta = attrs.get("Meta") or next((base.Meta for base in bases if hasattr(base, "Meta")), None)
    model = getattr(meta, "model", None)
    if not is_declared(model):
        return None
    attrs["Meta"] = type("Meta", (meta,), {"model": None})
    return model, meta


class DefersDeclaredModel(type):
    """A metaclass mixin, in front of ``ModelFormMetaclass`` or ``FilterSetMetaclass``: a class
    declared on a declared tenant model is built without it (:func:`defer_declared_model`)."""

    def __new__(mcs, name, bases, attrs):
        deferred = defer_declared_model(bases, attrs)
        cls = super().__new__(mcs, name, bases, attrs)
        if deferred is not None:
            cls._tenancy_model, cls._tenancy_meta = deferred
        return cls


def bound_subclass(cls: type, tenant: AbstractTenant, extra: Callable[[], dict] | None = None) -> type:
    """The subclass of ``cls`` (declared on ``cls._tenancy_model``, with ``cls._tenancy_meta``) whose
    ``Meta.model`` is ``tenant``'s class, made once per tenant's class with the attributes
    ``extra()`` returns, and kept on that class."""
    model = tenant_class(cls._tenancy_model, tenant)
    bound_classes = model.__dict__.get("_tenancy_bound")
    if bound_classes is None:
        bound_classes = model._tenancy_bound = {}  # dies with the tenant's class
    bound = bound_classes.get(cls)
    if bound is None:
        attrs = {
            "Meta": type("Meta", (cls._tenancy_meta,), {"model": model}),
            "__module__": cls.__module__,
            "__qualname__": cls.__qualname__,
            "_tenancy_model": None,
            "_tenancy_meta": None,
            **(extra() if extra is not None else {}),
        }
        bound = bound_classes[cls] = type(cls)(cls.__name__, (cls,), attrs)
    return bound
