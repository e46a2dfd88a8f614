"""Every tenancy setting, read in one place.

Values are read from Django's settings once and cached, since some are read on hot paths; the
cache is cleared when a test changes a setting (``override_settings``, pytest-django's
``settings`` fixture), through Django's ``setting_changed`` signal.
"""

from django.conf import settings as django_settings
from django.core.signals import setting_changed

DEFAULTS = {
    # The concrete tenant model, as "app_label.ModelName".
    "TENANCY_TENANT_MODEL": "tenancy.Tenant",
    # How many tenants keep their model classes built at once; the least recently used
    # tenant's classes are released beyond that (and rebuilt on next use).
    "TENANCY_CACHE_SIZE": 100,
    # The prefix of a tenant's schema name (PostgreSQL) or table prefix (other backends).
    "TENANCY_SCHEMA_PREFIX": "tenant_",
    # Request routing (tenancy.middleware.TenantMiddleware): how a request names its tenant,
    # "subdomain" (of TENANCY_BASE_DOMAIN), "domain" (a host stored in tenancy.contrib.domains),
    # "path" (/<TENANCY_PATH_PREFIX>/<key>/...) or "header".
    "TENANCY_ROUTING": "subdomain",
    "TENANCY_BASE_DOMAIN": None,
    "TENANCY_PATH_PREFIX": "t",
    "TENANCY_HEADER": "X-Tenant",
    # The unique field of the tenant model a request's key is looked up in.
    "TENANCY_ROUTING_FIELD": "name",
    # The URLconf of tenant requests (None: ROOT_URLCONF); requests without a tenant use ROOT_URLCONF.
    "TENANCY_URLCONF": None,
    # Static sites beside the tenants, each with its URLconf: {"admin": "project.admin_urls"} serves
    # admin.<base domain> (or /t/admin/, or X-Tenant: admin; by "domain" routing, a full host) with it.
    "TENANCY_STATIC_SITES": {},
    # "domain" routing: whether a request on a tenant's other domains is redirected (301) to its primary one.
    "TENANCY_REDIRECT_TO_PRIMARY_DOMAIN": False,
    # How long, in seconds, a process trusts the tenant it found for a key without asking again.
    "TENANCY_ROUTING_TIMEOUT": 60,
    # PostgreSQL: whether processes hear of tenants changed by other processes at once (tenancy.invalidation):
    # True, through the tenants' database; the alias of another DATABASES entry (a direct connection when
    # the tenants' database is reached through a pooler in transaction mode); False: only the timeout.
    "TENANCY_ROUTING_LISTEN": True,
    # Whether TenantMiddleware sets tenancy.context.current_tenant() during each request.
    "TENANCY_CURRENT_TENANT": False,
    # tenancy.contrib.auth: the per-tenant user model ("app_label.ModelName", an AbstractTenantUser).
    "TENANCY_USER_MODEL": None,
    # tenancy.contrib.auth's middleware: whether a session authenticates only at the tenant it was made at,
    # and whether authenticated users who are not members of the request's tenant get a 403.
    "TENANCY_SESSION_PER_TENANT": True,
    "TENANCY_REQUIRE_MEMBERSHIP": False,
    # tenancy.contrib.files: a function "module.name" naming a tenant's folder, for tenant models without a
    # schema_pathname() method (None: the schema name).
    "TENANCY_FILES_PATHNAME": None,
    # PostgreSQL: how many schemas to keep prepared for new tenants (see tenancy.pool); 0: no pool,
    # every tenant's tables are created when it is.
    "TENANCY_POOL_SIZE": 0,
    # How the pool is refilled once a new tenant took a schema from it (or found none): "thread",
    # in a background thread of the process, after the tenant's transaction commits; "off", only
    # by `manage.py tenancy_pool --fill` (or tenancy.pool.fill_pool()).
    "TENANCY_POOL_REFILL": "thread",
}


class Settings:
    def __getattr__(self, name: str):
        if name not in DEFAULTS:
            raise AttributeError(f"{name!r} is not a tenancy setting")
        value = getattr(django_settings, name, DEFAULTS[name])
        setattr(self, name, value)  # found in the instance from now on, without __getattr__
        return value

    def clear(self) -> None:
        self.__dict__.clear()


settings = Settings()


def _setting_changed(setting, **kwargs):
    if setting in DEFAULTS:
        settings.clear()


setting_changed.connect(_setting_changed, dispatch_uid="tenancy.conf")
