"""Test clients addressed to one tenant, by the routing the settings say."""

from __future__ import annotations

from django.test import AsyncClient, Client

from tenancy.conf import settings
from tenancy.links import tenant_host, tenant_key, tenant_path_prefix


def tenant_request_defaults(tenant) -> tuple[dict[str, str], str]:
    """The headers and the path prefix that route a request to ``tenant`` (``TENANCY_ROUTING``)."""
    how = settings.TENANCY_ROUTING
    if how in ("subdomain", "domain"):
        return {"host": tenant_host(tenant)}, ""
    if how == "path":
        host = tenant_host(tenant)
        return ({"host": host} if host else {}), tenant_path_prefix(tenant)
    if how == "header":
        return {settings.TENANCY_HEADER: tenant_key(tenant)}, ""
    raise ValueError(f"TENANCY_ROUTING is {how!r}: a test client cannot address a tenant by it.")


class TenantClientMixin:
    def __init__(self, tenant, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tenant = tenant

    def generic(self, method, path, *args, headers=None, **kwargs):
        """Each request goes to the tenant: its host or header, and its path prefix."""
        tenant_headers, prefix = tenant_request_defaults(self.tenant)
        path = str(path)
        if prefix and path.startswith("/") and not (path + "/").startswith(prefix + "/"):
            path = prefix + path
        return super().generic(method, path, *args, headers={**tenant_headers, **(headers or {})}, **kwargs)


class TenantClient(TenantClientMixin, Client):
    """``Client`` whose requests go to ``tenant``: ``TenantClient(acme).get("/orders/")``.

    Paths are the tenant's own (``/orders/``); with path routing the tenant's prefix is added
    (``/t/acme/orders/``) unless the path carries it already, as redirects do.
    """


class AsyncTenantClient(TenantClientMixin, AsyncClient):
    """``AsyncClient`` whose requests go to ``tenant`` (see :class:`TenantClient`)."""
