"""Every tenancy setting, read in one place.

Each attribute of :data:`settings` reads Django's settings when it is accessed, so tests that
override settings (``override_settings``) see the new value.
"""

from django.conf import settings as django_settings

DEFAULTS = {
    # The concrete tenant model, as "app_label.ModelName".
    "TENANCY_TENANT_MODEL": "tenancy.Tenant",
    # How many tenants keep their model classes built at once; the least recently used
    # tenant's classes are released beyond that (and rebuilt on next use).
    "TENANCY_CACHE_SIZE": 1000,
    # The prefix of a tenant's schema name (PostgreSQL) or table prefix (other backends).
    "TENANCY_SCHEMA_PREFIX": "tenant_",
}


class Settings:
    def __getattr__(self, name: str):
        if name not in DEFAULTS:
            raise AttributeError(f"{name!r} is not a tenancy setting")
        return getattr(django_settings, name, DEFAULTS[name])


settings = Settings()
