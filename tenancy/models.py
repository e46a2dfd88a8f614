"""Public base classes, and the default tenant model ``tenancy.Tenant``."""

from django.db import models

from .base import TenantModel
from .tenants import AbstractTenant, TenantManager, TenantQuerySet

__all__ = ["AbstractTenant", "Tenant", "TenantManager", "TenantModel", "TenantQuerySet"]


class Tenant(AbstractTenant):
    """The default tenant model: a tenant is known by a unique slug.

    Swappable: set ``TENANCY_TENANT_MODEL`` to use a model of your own instead.
    """

    name = models.SlugField(max_length=50, unique=True)

    class Meta:
        swappable = "TENANCY_TENANT_MODEL"

    def __str__(self) -> str:
        return self.name

    def natural_key(self) -> tuple[str]:
        return (self.name,)
