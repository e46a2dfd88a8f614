from django.db import models

from tenancy.models import TenantModel


class Shipment(TenantModel):
    """A tenant model pointing at a model that does not exist."""

    carrier = models.ForeignKey("shop.Carrier", on_delete=models.CASCADE)
