"""Cache keys that name the tenant: ``CACHES[...]["KEY_FUNCTION"] = "tenancy.contrib.cache.make_key"``.

Django calls a cache's key function with the key, the cache's ``KEY_PREFIX`` and the version, and
nothing else: the tenant comes from :func:`tenancy.context.current_tenant`, which
``TenantMiddleware`` sets during a request when ``TENANCY_CURRENT_TENANT = True`` (and
``using_tenant(acme)`` sets around any other code: a task, a command). So the same
``cache.get("menu")`` reads acme's entry at acme and globex's at globex; outside any tenant it
reads the public site's. Two tenants never read each other's entries.

A key reads ``<KEY_PREFIX>:<version>:<tenant>:<key>``, where ``<tenant>`` is the tenant's
database alias and schema name (``default.tenant_acme``), or ``-`` outside any tenant.
"""

from __future__ import annotations

from tenancy.context import current_tenant

NO_TENANT = "-"


def tenant_part(tenant) -> str:
    """What a key says of ``tenant``: its database and schema (no schema name contains a dot or is ``-``)."""
    if tenant is None:
        return NO_TENANT
    return f"{tenant._state.db or 'default'}.{tenant.db_schema}"


def make_key(key: str, key_prefix: str, version: int) -> str:
    """Django's default key, with the current tenant in it."""
    return f"{key_prefix}:{version}:{tenant_part(current_tenant())}:{key}"
