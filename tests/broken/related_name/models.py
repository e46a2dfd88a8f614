from django.db import models

from tenancy.models import TenantModel


class Ticket(TenantModel):
    """A tenant model whose reverse accessor on a global model would clash between tenants."""

    owner = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="tickets")
