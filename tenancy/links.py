"""Links to a tenant's pages from outside its requests: in an e-mail, a task, another tenant's page.

Inside a tenant's request, Django's ``reverse()`` and ``{% url %}`` already stay in the tenant.
Elsewhere, :func:`tenant_reverse` and :func:`tenant_url` build the address the routing setting
gives the tenant::

    tenant_reverse("order-detail", acme, kwargs={"pk": 3})
    # "https://acme.example.com/orders/3/"   TENANCY_ROUTING = "subdomain"
    # "https://shop.acme.com/orders/3/"      "domain": the tenant's primary domain
    # "https://example.com/t/acme/orders/3/" "path" (a relative URL without TENANCY_BASE_DOMAIN)
    # "/orders/3/"                           "header": the path; the request must carry the header
    tenant_reverse("order-detail", acme, kwargs={"pk": 3}, request=request)
    # "http://acme.localhost:8000/orders/3/" the scheme and port of a request served on :8000
"""

from __future__ import annotations

from django.conf import settings as django_settings
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.urls import get_script_prefix, reverse, set_script_prefix

from .conf import settings
from .tenants import AbstractTenant


def tenant_key(tenant: AbstractTenant) -> str:
    """The key that routes a request to ``tenant``: its ``TENANCY_ROUTING_FIELD``."""
    return str(getattr(tenant, settings.TENANCY_ROUTING_FIELD))


def tenant_path_prefix(tenant: AbstractTenant) -> str:
    """The part of the path that names ``tenant`` with path routing: ``/t/acme``."""
    return f"/{settings.TENANCY_PATH_PREFIX.strip('/')}/{tenant_key(tenant)}"


def tenant_host(tenant: AbstractTenant) -> str | None:
    """The host of ``tenant``'s pages, or None when the routing does not say one (path without a
    base domain, header)."""
    how, base = settings.TENANCY_ROUTING, (settings.TENANCY_BASE_DOMAIN or "").strip(".") or None
    if how == "subdomain":
        if base is None:
            raise ValueError("Set TENANCY_BASE_DOMAIN: subdomain routing makes a tenant's host from it.")
        return f"{tenant_key(tenant)}.{base}"
    if how == "domain":
        domain = tenant.domains.filter(is_primary=True).values_list("domain", flat=True).first()
        if domain is None:
            raise ValueError(f"Tenant {tenant} has no domain: its pages have no address.")
        return domain
    return base if how == "path" else None


def tenant_url(
    tenant: AbstractTenant,
    path: str = "/",
    scheme: str = "https",
    *,
    port: int | str | None = None,
    request: HttpRequest | None = None,
) -> str:
    """The URL of ``path`` (as ``tenant``'s URLconf sees it, e.g. ``/orders/``) at ``tenant``.

    ``request``, a request being served, gives the scheme and the port (``acme.localhost:8000``
    when the development server serves ``localhost:8000``); ``port`` gives a port of its own.
    """
    if not path.startswith("/"):
        raise ValueError(f"The path must start with '/', not {path!r}.")
    if settings.TENANCY_ROUTING == "path":
        path = tenant_path_prefix(tenant) + path
    if request is not None:
        scheme = request.scheme
        if port is None:
            port = split_domain_port(request.get_host())[1] or None
    host = tenant_host(tenant)
    if host is None:
        return path
    if port is not None and str(port) != {"http": "80", "https": "443"}.get(scheme):
        host = f"{host}:{port}"
    return f"{scheme}://{host}{path}"


def tenant_reverse(
    viewname: str,
    tenant: AbstractTenant,
    args=None,
    kwargs=None,
    scheme: str = "https",
    *,
    port: int | str | None = None,
    request: HttpRequest | None = None,
) -> str:
    """``reverse()`` in the tenants' URLconf, as a URL at ``tenant`` (see :func:`tenant_url`)."""
    urlconf = settings.TENANCY_URLCONF or django_settings.ROOT_URLCONF
    prefix = get_script_prefix()
    set_script_prefix("/")  # not the prefix of the request this may run in (another tenant's)
    try:
        path = reverse(viewname, urlconf=urlconf, args=args, kwargs=kwargs)
    finally:
        set_script_prefix(prefix)
    return tenant_url(tenant, path, scheme, port=port, request=request)
