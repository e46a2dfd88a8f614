"""Websockets (Django Channels) routed to tenants as TenantMiddleware routes HTTP requests.

::

    # proj/asgi.py
    from channels.routing import ProtocolTypeRouter
    from tenancy.contrib.channels import TenantWebsocketRouter

    application = ProtocolTypeRouter({
        "http": get_asgi_application(),
        "websocket": AllowedHostsOriginValidator(
            TenantWebsocketRouter(tenant="shop.ws_urls", public="proj.ws_urls")
        ),
    })

The connection's tenant is found from its host, path or headers by the routing settings
(``TENANCY_ROUTING``), with the same per-process lookup as HTTP requests: none on a warm cache.
``scope["tenant"]`` is the tenant (None for the public site), and the connection is routed by the
tenant's websocket URLconf (a module with ``websocket_urlpatterns``, or any ASGI app), or by the
public one. With path routing, the tenant's part of the path (``/t/acme``) is added to
``scope["root_path"]``, which Channels' ``URLRouter`` takes off ``scope["path"]`` before matching,
so tenant URLconfs match the same paths under every tenant. A key
no tenant has, or a public connection without a public URLconf, is refused at the handshake
(HTTP 403), never routed elsewhere. With ``TENANCY_CURRENT_TENANT = True`` the tenant is
:func:`tenancy.context.current_tenant` for the whole connection.
"""

from __future__ import annotations

from contextlib import nullcontext
from importlib import import_module

from channels.routing import URLRouter
from django.utils.datastructures import CaseInsensitiveMapping

from tenancy.conf import settings
from tenancy.context import using_tenant
from tenancy.lookup import lookup, tenants_database
from tenancy.routing import route


class ScopeRequest:
    """What :func:`tenancy.routing.route` reads of a request, read from an ASGI scope."""

    def __init__(self, scope):
        self.headers = CaseInsensitiveMapping(
            {name.decode("latin1"): value.decode("latin1") for name, value in scope["headers"]}
        )
        self.path_info = scope["path"]

    def get_host(self) -> str:
        return self.headers.get("host", "")


def _app(urlconf):
    if urlconf is None or not isinstance(urlconf, str):
        return urlconf
    return URLRouter(import_module(urlconf).websocket_urlpatterns)


class TenantWebsocketRouter:
    """An ASGI app: finds the connection's tenant, then hands it to the tenant's or the public app."""

    def __init__(self, tenant, public=None):
        self.tenant_app, self.public_app = _app(tenant), _app(public)

    async def __call__(self, scope, receive, send):
        found = route(ScopeRequest(scope))
        tenant = None
        if found is not None and not found.static_urlconf:
            tenant = (await lookup.aget(tenants_database(), found)).tenant
            if tenant is None:
                return await _refuse(receive, send)
        app = self.tenant_app if tenant is not None else self.public_app
        if app is None:
            return await _refuse(receive, send)
        scope = {**scope, "tenant": tenant}
        if found is not None and found.script_part:
            # Channels' URLRouter matches scope["path"] without scope["root_path"].
            scope["root_path"] = scope.get("root_path", "") + found.script_part
        current = using_tenant(tenant) if settings.TENANCY_CURRENT_TENANT and tenant is not None else nullcontext()
        with current:
            return await app(scope, receive, send)


async def _refuse(receive, send) -> None:
    """Close the connection at the handshake: the client gets HTTP 403."""
    message = await receive()
    if message["type"] == "websocket.connect":
        await send({"type": "websocket.close", "code": 4404})
