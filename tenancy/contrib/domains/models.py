"""``Domain``: a host a tenant answers on (``shop.acme.com``, ``acme.example.com``)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import models, transaction

from tenancy.conf import settings

LABEL_RE = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")


def normalize_domain(value: str) -> str:
    """``value`` as requests carry it: lowercase, IDNA-encoded, without a trailing dot.

    Raises ValidationError for anything that is not a host name (a port, a scheme, a path, spaces).
    """
    host = str(value).strip().lower().rstrip(".")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise ValidationError(f"{value!r} is not a valid domain name.", code="invalid") from None
    if not host or len(host) > 253 or not all(LABEL_RE.match(label) for label in host.split(".")):
        raise ValidationError(
            f"{value!r} is not a valid domain name: give a host name alone, such as shop.example.com, "
            "without a scheme, a port or a path.",
            code="invalid",
        )
    return host


class DomainQuerySet(models.QuerySet):
    def primary(self) -> DomainQuerySet:
        return self.filter(is_primary=True)


class Domain(models.Model):
    """A host of a tenant. Every tenant with domains has exactly one primary domain.

    The first domain of a tenant becomes its primary; making another one primary unmarks the
    previous one; deleting the primary promotes the tenant's oldest other domain.
    """

    domain = models.CharField(max_length=253, unique=True, help_text="A host name, such as shop.example.com.")
    tenant = models.ForeignKey(settings.TENANCY_TENANT_MODEL, on_delete=models.CASCADE, related_name="domains")
    is_primary = models.BooleanField(default=False)

    objects = DomainQuerySet.as_manager()

    class Meta:
        ordering = ["domain"]
        indexes = [models.Index(fields=["tenant", "is_primary"], name="tenancy_domain_primary")]

    def __str__(self) -> str:
        return self.domain

    def clean_fields(self, exclude=None) -> None:
        super().clean_fields(exclude)
        if not exclude or "domain" not in exclude:
            self.domain = normalize_domain(self.domain)

    def save(self, *args, using: str | None = None, **kwargs) -> None:
        self.domain = normalize_domain(self.domain)
        using = using or self._state.db or "default"
        with transaction.atomic(using=using):
            # The tenant's row, locked, orders the saves of its domains (PostgreSQL, MySQL).
            tenant_model = type(self)._meta.get_field("tenant").related_model
            tenant_model._base_manager.using(using).select_for_update().filter(pk=self.tenant_id).exists()
            others = Domain._base_manager.using(using).filter(tenant_id=self.tenant_id).exclude(pk=self.pk)
            if self.is_primary:
                others.filter(is_primary=True).update(is_primary=False)
            elif not others.filter(is_primary=True).exists():
                self.is_primary = True
            super().save(*args, using=using, **kwargs)

    def delete(self, using: str | None = None, keep_parents: bool = False):
        using = using or self._state.db or "default"
        with transaction.atomic(using=using):
            result = super().delete(using=using, keep_parents=keep_parents)
            if self.is_primary:
                successor = Domain._base_manager.using(using).filter(tenant_id=self.tenant_id).order_by("pk").first()
                if successor is not None:
                    successor.is_primary = True
                    successor.save(using=using, update_fields=["is_primary"])
            return result
