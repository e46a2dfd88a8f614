"""Models of the demo.

``Shop`` is the tenant model: a global model, one row per tenant. ``Product`` and ``Order`` are
tenant-specific: every shop gets its own ``Product`` and ``Order`` classes and tables.
"""

from django.db import models

from tenancy.models import AbstractTenant, TenantModel


class Shop(AbstractTenant):
    name = models.SlugField(max_length=40, unique=True)

    def __str__(self):
        return self.name

    def natural_key(self):
        # The tenant's schema (PostgreSQL) or table prefix (SQLite, MySQL) derives from this:
        # "tenant_" + name.
        return (self.name,)


class Product(TenantModel):
    name = models.CharField(max_length=100)
    price = models.DecimalField(max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["name"]

    class TenantMeta:
        # shop.products: the manager of that shop's Product class.
        related_name = "products"

    def __str__(self):
        return self.name


class Order(TenantModel):
    # A relation between two tenant models stays within the tenant: acme's Order points at
    # acme's Product.
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="orders")
    # A relation to a global model works forwards; global models get no reverse accessor, so
    # the related_name ends with "+".
    buyer = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(default=1)

    def __str__(self):
        return f"{self.quantity} x {self.product} for {self.buyer}"
