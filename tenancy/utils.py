"""Helpers to reach the configured tenant model."""

from __future__ import annotations

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured

from .conf import settings


def get_tenant_model():
    """Return the tenant model named by ``TENANCY_TENANT_MODEL``.

    Raises ImproperlyConfigured, saying what is wrong, when the setting is malformed, names a
    model that is not installed, or names a model that is not an ``AbstractTenant``.
    """
    from .tenants import AbstractTenant

    label = settings.TENANCY_TENANT_MODEL
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
