from django.db import models

from tenancy.models import AbstractTenant, TenantModel


class Customer(AbstractTenant):
    name = models.SlugField(max_length=60, unique=True)

    def natural_key(self):
        return (self.name,)

    def __str__(self):
        return self.name


class Product(TenantModel):
    name = models.CharField(max_length=100)

    class TenantMeta:
        related_name = "products"


class Tag(TenantModel):
    label = models.CharField(max_length=30)


class Order(TenantModel):
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    buyer = models.ForeignKey("auth.User", on_delete=models.PROTECT, related_name="+")
    tags = models.ManyToManyField(Tag, blank=True)
