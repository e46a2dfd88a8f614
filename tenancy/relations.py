"""Rules for relations that cross the line between global and tenant models, checked at start-up.

A tenant model may point at a global model, but a global model cannot point at a tenant model:
there is no single table to point at. ``TenantMeta.related_name`` puts a manager of each tenant's
rows on the tenant model.
"""

from __future__ import annotations

from django.apps import apps

from .base import TenantModel, declared_models
from .exceptions import TenancyConfigurationError


def tenant_target(target, app_label: str):
    """The declared tenant model ``target`` refers to, or None for a global model."""
    if isinstance(target, type):
        return target if issubclass(target, TenantModel) else None
    if target == "self":
        return None
    label = (target if "." in target else f"{app_label}.{target}").lower()
    return next((model for model in declared_models if model._meta.label_lower == label), None)


def _relations(model):
    for field in model._meta.get_fields(include_hidden=True):
        if field.is_relation and not field.auto_created and field.remote_field is not None:
            yield field


def validate_relations() -> None:
    """Raise TenancyConfigurationError for a relation tenancy cannot serve."""
    for model in apps.get_models():  # an auto-created through model is reported by its M2M field
        for field in _relations(model):
            targets = [field.remote_field.model, getattr(field.remote_field, "through", None)]
            for target in filter(None, targets):
                tenant_model = tenant_target(target, model._meta.app_label)
                if tenant_model is not None:
                    raise TenancyConfigurationError(
                        f"{model._meta.label}.{field.name} points at {tenant_model._meta.label}, a tenant "
                        f"model, but {model._meta.label} is a global model: its rows are shared by every "
                        "tenant, so there is no one table to point at. Make it a TenantModel too, or "
                        "store the tenant and the key (or use a GenericForeignKey) instead."
                    )
    for model in declared_models:
        for field in model._meta.local_fields + model._meta.local_many_to_many:
            if not field.is_relation:
                continue
            _check_target_exists(model, field)
            if tenant_target(field.remote_field.model, model._meta.app_label):
                continue
            related_name = field.remote_field.related_name
            if field.remote_field.model == "self" or related_name is None:
                continue
            if not (related_name.endswith("+") or "%(class)s" in related_name):
                raise TenancyConfigurationError(
                    f"{model._meta.label}.{field.name} points at the global model "
                    f"{_label(field.remote_field.model)} with related_name={related_name!r}. Every tenant "
                    "has its own copy of this field, so the name must end with '+' (no reverse accessor) "
                    "or contain '%(class)s'."
                )


def _check_target_exists(model, field) -> None:
    target = field.remote_field.model
    if not isinstance(target, str) or target == "self" or tenant_target(target, model._meta.app_label):
        return
    label = target if "." in target else f"{model._meta.app_label}.{target}"
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        raise TenancyConfigurationError(
            f"{model._meta.label}.{field.name} points at {target!r}, which is neither a tenant model nor an "
            "installed model. Check the app is in INSTALLED_APPS and the name is spelled right."
        ) from None


def _label(target) -> str:
    return target if isinstance(target, str) else target._meta.label


class TenantRowsDescriptor:
    """``tenant.<related_name>``: the default manager of that tenant's class of a model."""

    def __init__(self, model: type[TenantModel]):
        self.model = model

    def __get__(self, tenant, owner=None):
        if tenant is None:
            return self
        return self.model.for_tenant(tenant)._default_manager


def install_related_managers(tenant_model) -> None:
    for model in declared_models:
        name = model._tenant_meta.get("related_name")
        if not name:
            continue
        existing = getattr(tenant_model, name, None)
        if existing is not None and not (isinstance(existing, TenantRowsDescriptor) and existing.model is model):
            raise TenancyConfigurationError(
                f"{model._meta.label}.TenantMeta.related_name is {name!r}, but {tenant_model._meta.label} "
                f"already has an attribute {name!r}: choose another name."
            )
        setattr(tenant_model, name, TenantRowsDescriptor(model))
