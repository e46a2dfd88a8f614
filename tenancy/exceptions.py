"""Exceptions that tenancy raises on purpose, each named for what went wrong."""

from django.core.exceptions import ImproperlyConfigured


class TenancyError(Exception):
    """Base class of tenancy's own exceptions."""


class TenantModelUnavailable(TenancyError, AttributeError):
    """A declared tenant model was used as if it had a table of its own.

    ``Order.objects`` has no meaning: every tenant has its own ``Order`` class. Reach it with
    ``Order.for_tenant(tenant)`` or ``tenant.models[Order]``.
    """


class TenantDeleted(TenancyError):
    """A model class of a tenant that has been deleted was used to query the database."""


class TenantNotProvisioned(TenancyError):
    """A tenant that has not been saved yet has no schema, so it has no model classes."""


class TenancyConfigurationError(ImproperlyConfigured):
    """A tenant model or a tenant-specific model is declared in a way tenancy cannot serve."""
