"""Helpers to reach the configured tenant model."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from .conf import settings

_found: tuple = (None, None)  # (TENANCY_TENANT_MODEL, its model) as last found


def get_tenant_model():
    """Return the tenant model named by ``TENANCY_TENANT_MODEL``.

    Raises ImproperlyConfigured, saying what is wrong, when the setting is malformed, names a
    model that is not installed, or names a model that is not an ``AbstractTenant``. The model
    found is remembered for as long as the setting and the app registry keep it (requests ask).
    """
    global _found
    label, model = _found
    if label == settings.TENANCY_TENANT_MODEL and _registered(model):
        return model
    model = _tenant_model(settings.TENANCY_TENANT_MODEL)
    _found = (settings.TENANCY_TENANT_MODEL, model)
    return model


def _registered(model) -> bool:
    return model is not None and apps.all_models.get(model._meta.app_label, {}).get(model._meta.model_name) is model


def _tenant_model(label: str):
    from .tenants import AbstractTenant

    try:
        model = apps.get_model(label, require_ready=False)
    except (ValueError, AttributeError):
        raise ImproperlyConfigured(
            f"TENANCY_TENANT_MODEL must be of the form 'app_label.ModelName', not {label!r}."
        ) from None
    except LookupError:
        raise ImproperlyConfigured(
            f"TENANCY_TENANT_MODEL refers to model {label!r}, which has not been installed: check the "
            "app is in INSTALLED_APPS and the model name is spelled right."
        ) from None
    if not (isinstance(model, type) and issubclass(model, AbstractTenant)):
        raise ImproperlyConfigured(
            f"TENANCY_TENANT_MODEL refers to {label!r}, which is not a subclass of tenancy.models.AbstractTenant."
        )
    return model


def find_tenants(using: str, keys: list[str] | None = None) -> list:
    """The tenants stored in database ``using``, or those of ``keys``, ordered by primary key.

    A key is a tenant's schema name, or its natural key (parts joined with ``,``). Raises
    CommandError naming the keys no tenant has.
    """
    from django.core.management.base import CommandError

    tenants = list(get_tenant_model()._base_manager.using(using).order_by("pk"))
    if keys is None:
        return tenants
    found, missing = [], []
    for key in keys:
        match = next(
            (t for t in tenants if key in (t.db_schema, ",".join(str(part) for part in t.natural_key()))), None
        )
        (found if match is not None else missing).append(match or key)
    if missing:
        raise CommandError(f"No tenant has the key or schema name {', '.join(map(repr, missing))}.")
    return list({id(t): t for t in found}.values())
