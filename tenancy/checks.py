"""System checks: tenancy's misconfiguration, reported by ``manage.py check``."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connections

from . import naming
from .conf import settings

SUPPORTED_VENDORS = {"postgresql", "sqlite", "mysql"}


@checks.register(checks.Tags.models)
def check_tenant_model(app_configs=None, **kwargs):
    from .tenants import AbstractTenant
    from .utils import get_tenant_model

    try:
        model = get_tenant_model()
    except ImproperlyConfigured as exc:
        return [checks.Error(str(exc), id="tenancy.E001")]
    if model.natural_key is AbstractTenant.natural_key:
        return [
            checks.Error(
                f"{model._meta.label} does not define natural_key().",
                hint="Return a tuple of the fields that identify a tenant, e.g. (self.name,): "
                "the tenant's schema name derives from it.",
                obj=model,
                id="tenancy.E002",
            )
        ]
    return []


@checks.register()
def check_settings(app_configs=None, **kwargs):
    errors = _integer_setting(
        "TENANCY_CACHE_SIZE",
        1,
        "a positive integer",
        "It is how many tenants keep their model classes built at once.",
        "tenancy.E003",
    )
    prefix = settings.TENANCY_SCHEMA_PREFIX
    if not isinstance(prefix, str) or (prefix and not naming.IDENTIFIER_RE.match(prefix)):
        errors.append(
            checks.Error(
                f"TENANCY_SCHEMA_PREFIX must be lowercase ASCII letters, digits and underscores, "
                f"not starting with a digit; got {prefix!r}.",
                id="tenancy.E004",
            )
        )
    errors += _integer_setting(
        "TENANCY_POOL_SIZE",
        0,
        "an integer, 0 or more",
        "It is how many prepared schemas new tenants can take theirs from (PostgreSQL); 0: none.",
        "tenancy.E006",
    )
    from .pool import REFILL_MODES

    if settings.TENANCY_POOL_REFILL not in REFILL_MODES:
        errors.append(
            checks.Error(
                f"TENANCY_POOL_REFILL must be one of {', '.join(map(repr, REFILL_MODES))}, "
                f"not {settings.TENANCY_POOL_REFILL!r}.",
                hint='"thread" refills the pool in a background thread after a tenant took a schema from it; '
                '"off" leaves it to `manage.py tenancy_pool --fill`.',
                id="tenancy.E007",
            )
        )
    return errors


@checks.register()
def check_routing(app_configs=None, **kwargs):
    from .routing import ROUTINGS

    how, errors = settings.TENANCY_ROUTING, []
    if how not in ROUTINGS:
        errors.append(
            checks.Error(
                f"TENANCY_ROUTING must be one of {', '.join(map(repr, ROUTINGS))}, not {how!r}.",
                hint="It is how TenantMiddleware finds the tenant of a request.",
                id="tenancy.E008",
            )
        )
    if how == "domain" and "tenancy.contrib.domains" not in django_settings.INSTALLED_APPS:
        errors.append(
            checks.Error(
                'TENANCY_ROUTING is "domain", but tenancy.contrib.domains is not installed.',
                hint='Add "tenancy.contrib.domains" to INSTALLED_APPS: it stores the tenants\' domains.',
                id="tenancy.E009",
            )
        )
    routed = "tenancy.middleware.TenantMiddleware" in getattr(django_settings, "MIDDLEWARE", ())
    if how == "subdomain" and routed and not settings.TENANCY_BASE_DOMAIN:
        errors.append(
            checks.Warning(
                'TENANCY_ROUTING is "subdomain", but TENANCY_BASE_DOMAIN is not set: no request reaches a tenant.',
                hint='Set it to the domain the tenants are subdomains of, such as "example.com".',
                id="tenancy.W003",
            )
        )
    sites = settings.TENANCY_STATIC_SITES
    if not isinstance(sites, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in sites.items()):
        errors.append(
            checks.Error(
                f"TENANCY_STATIC_SITES must be a dict of site keys to URLconf module paths, not {sites!r}.",
                hint='For example {"admin": "project.admin_urls"}.',
                id="tenancy.E010",
            )
        )
    listen = settings.TENANCY_ROUTING_LISTEN
    if not isinstance(listen, bool) and listen not in connections.settings:
        errors.append(
            checks.Error(
                f"TENANCY_ROUTING_LISTEN must be True, False or the alias of a database, not {listen!r}.",
                hint="An alias names the DATABASES entry to listen for tenant changes through.",
                id="tenancy.E011",
            )
        )
    return errors + (_check_routing_field() if routed and how != "domain" else [])


def _check_routing_field() -> list[checks.Error]:
    from .utils import get_tenant_model

    try:
        model = get_tenant_model()
    except ImproperlyConfigured:
        return []  # tenancy.E001
    name = settings.TENANCY_ROUTING_FIELD
    try:
        field = model._meta.get_field(name)
    except Exception:
        field = None
    if field is None or not getattr(field, "unique", False):
        return [
            checks.Error(
                f"TENANCY_ROUTING_FIELD is {name!r}, which is not a unique field of {model._meta.label}.",
                hint="Requests name their tenant by this field's value: it must identify one tenant.",
                obj=model,
                id="tenancy.E012",
            )
        ]
    return []


@checks.register(checks.Tags.database)
def check_databases(app_configs=None, databases=None, **kwargs):
    errors = []
    for alias in databases or ():
        vendor = connections[alias].vendor
        if vendor not in SUPPORTED_VENDORS:
            errors.append(
                checks.Error(
                    f"Database {alias!r} uses the {vendor} backend, which tenancy does not support.",
                    hint="Use PostgreSQL, SQLite, MySQL or MariaDB.",
                    id="tenancy.E005",
                )
            )
    return errors


@checks.register(checks.Tags.database)
def check_router(app_configs=None, **kwargs):
    routers = [
        r if isinstance(r, str) else f"{type(r).__module__}.{type(r).__name__}"
        for r in django_settings.DATABASE_ROUTERS
    ]
    if len(connections.settings) > 1 and "tenancy.routers.TenantRouter" not in routers:
        return [
            checks.Warning(
                "Several databases are configured, but tenancy.routers.TenantRouter is not in DATABASE_ROUTERS.",
                hint="Without it, a tenant's classes query the database Django's routers pick, not the one "
                "their tenant is stored in. Add it first in DATABASE_ROUTERS.",
                id="tenancy.W002",
            )
        ]
    return []


@checks.register()
def check_installed_apps(app_configs=None, **kwargs):
    if "django.contrib.contenttypes" not in django_settings.INSTALLED_APPS:
        return [
            checks.Warning(
                "django.contrib.contenttypes is not installed.",
                hint="Tenant models with generic relations need it.",
                id="tenancy.W001",
            )
        ]
    return []


def _integer_setting(name: str, minimum: int, what: str, hint: str, check_id: str) -> list[checks.Error]:
    value = getattr(settings, name)
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        return [checks.Error(f"{name} must be {what}, not {value!r}.", hint=hint, id=check_id)]
    return []
