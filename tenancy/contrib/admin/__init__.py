"""The Django admin for tenant models: register a declared tenant model once, administer every tenant.

Settings::

    INSTALLED_APPS = [
        ...,
        "tenancy.contrib.admin",                    # before the admin: its templates come first
        "tenancy.contrib.admin.apps.AdminConfig",   # in place of "django.contrib.admin"
    ]

``admin.site`` is then a :class:`~tenancy.contrib.admin.sites.TenantAdminSite`::

    from django.contrib import admin
    from tenancy.contrib.admin import TenantModelAdmin

    @admin.register(Order)
    class OrderAdmin(TenantModelAdmin):
        list_display = ["product", "quantity"]
        list_filter = ["product"]
        search_fields = ["product__name"]

The tenant model itself is registered with :class:`~tenancy.contrib.admin.tenants.TenantAdmin`,
which creates, renames and deletes tenants with their schemas. See
:mod:`tenancy.contrib.admin.sites` for which tenant a request administers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["TenantAdmin", "TenantAdminSite", "TenantModelAdmin"]

if TYPE_CHECKING:
    from .options import TenantModelAdmin
    from .sites import TenantAdminSite
    from .tenants import TenantAdmin


def __getattr__(name: str):
    # Imported when used: the package is an installed app, loaded before the models are.
    if name == "TenantModelAdmin":
        from .options import TenantModelAdmin

        return TenantModelAdmin
    if name == "TenantAdmin":
        from .tenants import TenantAdmin

        return TenantAdmin
    if name == "TenantAdminSite":
        from .sites import TenantAdminSite

        return TenantAdminSite
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
