"""The tenant and domain models of the django-tenants peer (SHARED_APPS, public schema)."""

from django.db import models
from django_tenants.models import DomainMixin, TenantMixin


class Client(TenantMixin):
    """The tenant model (``TENANT_MODEL``). ``auto_create_schema`` is True: ``save()`` of a new
    client creates its schema and migrates it (or clones TENANT_BASE_SCHEMA when so configured)."""

    name = models.CharField(max_length=100, blank=True, default="")
    created_on = models.DateTimeField(auto_now_add=True)


class Domain(DomainMixin):
    pass
