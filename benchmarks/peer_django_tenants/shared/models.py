"""The shared app (SHARED_APPS, public schema): the Currency lookup the CRM models point at."""

from django.db import models


class Currency(models.Model):
    """The lookup model every tenant's Product and Invoice point at; one table for all tenants."""

    code = models.CharField(max_length=3, unique=True)
    name = models.CharField(max_length=50)

    def __str__(self):
        return self.code
