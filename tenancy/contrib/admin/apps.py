from django.apps import AppConfig
from django.contrib.admin import apps as django_admin_apps


class TenantAdminAppConfig(AppConfig):
    """``tenancy.contrib.admin``: the log of what the admin did in each tenant, and its templates."""

    default = True  # of the two configs here, the one "tenancy.contrib.admin" names
    name = "tenancy.contrib.admin"
    label = "tenancy_admin"
    verbose_name = "Tenant administration"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)


class AdminConfig(django_admin_apps.AdminConfig):
    """Django's admin with a :class:`~tenancy.contrib.admin.sites.TenantAdminSite` as ``admin.site``:
    put ``"tenancy.contrib.admin.apps.AdminConfig"`` in INSTALLED_APPS in place of
    ``"django.contrib.admin"``."""

    default = False
    default_site = "tenancy.contrib.admin.sites.TenantAdminSite"
