"""System checks of tenancy.contrib.admin."""

from __future__ import annotations

from django.apps import apps
from django.core import checks


@checks.register(checks.Tags.admin)
def check_admin_order(app_configs=None, **kwargs):
    names = [config.name for config in apps.get_app_configs()]
    if "django.contrib.admin" in names and names.index("tenancy.contrib.admin") > names.index("django.contrib.admin"):
        return [
            checks.Warning(
                "tenancy.contrib.admin comes after the admin in INSTALLED_APPS: Django's admin/base_site.html "
                "is found before tenancy's, and the admin's header has no tenant selector.",
                hint='Put "tenancy.contrib.admin" before "django.contrib.admin" (or its AdminConfig).',
                id="tenancy.W004",
            )
        ]
    return []
