"""A per-tenant user model (tenancy.contrib.auth)."""

from django.db import models

from tenancy.contrib.auth.models import AbstractTenantUser


class Member(AbstractTenantUser):
    pass


class Membership(models.Model):
    """Which global users belong to which tenants (Customer.has_member reads it)."""

    tenant = models.ForeignKey("shop.Customer", on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey("auth.User", on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["tenant", "user"], name="members_membership_once")]
