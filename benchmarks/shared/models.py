"""Global models of the benchmark project: the tenant model and the shared Currency lookup."""

from django.db import models

from tenancy.models import AbstractTenant


class Customer(AbstractTenant):
    """The tenant model (``TENANCY_TENANT_MODEL = "shared.Customer"``)."""

    name = models.SlugField(max_length=50, unique=True)

    def natural_key(self):
        return (self.name,)

    def __str__(self):
        return self.name


class Currency(models.Model):
    """The lookup model every tenant's Product and Invoice point at; one table for all tenants."""

    code = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=50)

    def __str__(self):
        return self.code
