"""Public base classes, and the default tenant model ``tenancy.Tenant``."""

from django.db import models
from django.utils import timezone

from .base import TenantModel
from .tenants import AbstractTenant, TenantManager, TenantQuerySet

__all__ = [
    "AbstractTenant",
    "AppliedTenantMigration",
    "PooledSchema",
    "Tenant",
    "TenantManager",
    "TenantModel",
    "TenantQuerySet",
]


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


class AppliedTenantMigration(models.Model):
    """A migration applied to a tenant: ``django_migrations``, one row per tenant and migration.

    It lives in the database of the tenants it describes, which is also what lets a migration of
    a tenant and the recording of it commit together (see :mod:`tenancy.tenant_migrations`).
    """

    schema = models.CharField(max_length=63)
    app = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    applied = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "tenancy_migration"
        constraints = [models.UniqueConstraint(fields=["schema", "app", "name"], name="tenancy_migration_once")]

    def __str__(self) -> str:
        return f"{self.app}.{self.name} in {self.schema}"


class PooledSchema(models.Model):
    """A schema prepared for a future tenant (PostgreSQL, ``TENANCY_POOL_SIZE``): see :mod:`tenancy.pool`.

    The row, the schema ``name`` with all the tables of a tenant, and its rows in
    ``tenancy_migration`` are created in one transaction, and handed to a new tenant (or dropped)
    in one: a row is there exactly while its schema is ready. ``fingerprint`` identifies the
    tables and migrations the schema was made with; only a schema of the current one is handed out.
    """

    name = models.CharField(max_length=63, unique=True)
    fingerprint = models.CharField(max_length=64)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "tenancy_pooled_schema"
        indexes = [models.Index(fields=["fingerprint", "id"], name="tenancy_pool_ready")]

    def __str__(self) -> str:
        return self.name
