"""Which tenant a request is for: the key it carries, and the tenant of that key.

A request names its tenant in one of three ways (``TENANCY_ROUTING``):

``"subdomain"``
    ``acme.example.com`` with ``TENANCY_BASE_DOMAIN = "example.com"``. The base domain itself,
    ``www.`` on it and any other host are no tenant's: the public site.
``"path"``
    ``/t/acme/orders/`` with ``TENANCY_PATH_PREFIX = "t"``. The tenant's part of the path is
    taken off ``path_info`` and becomes part of the script prefix, so the tenant's URLconf
    matches ``orders/`` and ``reverse()`` gives ``/t/acme/orders/``.
``"header"``
    ``X-Tenant: acme`` (``TENANCY_HEADER``), for APIs behind a gateway.

The key is looked up in the tenant model's unique field ``TENANCY_ROUTING_FIELD``: one indexed
query the first time, none while the process remembers it (``TENANCY_ROUTING_TIMEOUT``
seconds). Saving or deleting a tenant makes the process forget it at once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models.signals import post_delete, post_save
from django.http import HttpRequest
from django.http.request import split_domain_port

from .conf import settings
from .utils import get_tenant_model


@dataclass(frozen=True)
class Route:
    """What a request says of its tenant: the key, and for path routing the part of the path."""

    key: str
    script_part: str = ""  # "/t/acme", taken off path_info and added to the script prefix


def route(request: HttpRequest) -> Route | None:
    """The tenant key of ``request``, or None for a request of the public site."""
    how = settings.TENANCY_ROUTING
    if how == "subdomain":
        return _by_subdomain(request.get_host())
    if how == "path":
        return _by_path(request.path_info)
    if how == "header":
        key = request.headers.get(settings.TENANCY_HEADER, "").strip()
        return Route(key) if key else None
    raise ValueError(f"TENANCY_ROUTING must be 'subdomain', 'path' or 'header', not {how!r}.")


def _by_subdomain(host: str) -> Route | None:
    base = (settings.TENANCY_BASE_DOMAIN or "").lower().strip(".")
    host, _ = split_domain_port(host)  # lowercased, without the port
    if not base or not host.endswith("." + base):
        return None
    key = host[: -len(base) - 1]
    if not key or key == "www" or "." in key:
        return None
    return Route(key)


def _by_path(path: str) -> Route | None:
    prefix = settings.TENANCY_PATH_PREFIX.strip("/")
    parts = path.lstrip("/").split("/", 2)
    if len(parts) < 2 or parts[0] != prefix or not parts[1]:
        return None
    return Route(parts[1], f"/{prefix}/{parts[1]}")


class TenantLookup:
    """Tenants by routing key, remembered for a while; thread safe, bounded."""

    def __init__(self, size: int = 1000):
        self.size = size
        self.entries: OrderedDict[tuple[str, str], tuple[float, object]] = OrderedDict()
        self.lock = threading.Lock()

    MISSING = object()

    def cached(self, using: str, key: str):
        """The tenant remembered for ``key`` (None: known to be no tenant's), or MISSING."""
        with self.lock:
            found = self.entries.get((using, key))
            if found is None or found[0] <= time.monotonic():
                return self.MISSING
            self.entries.move_to_end((using, key))
            return found[1]

    def get(self, using: str, key: str):
        """The tenant whose routing field is ``key`` in database ``using``, or None."""
        tenant = self.cached(using, key)
        if tenant is not self.MISSING:
            return tenant
        now = time.monotonic()
        model = get_tenant_model()
        tenant = model._base_manager.using(using).filter(**{settings.TENANCY_ROUTING_FIELD: key}).first()
        with self.lock:
            self.entries[using, key] = (now + settings.TENANCY_ROUTING_TIMEOUT, tenant)
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)
        return tenant

    def forget(self, tenant) -> None:
        """Forget every key that led to ``tenant`` (renamed or deleted), and unknown keys."""
        with self.lock:
            for entry, (_, found) in list(self.entries.items()):
                if found is None or found.pk == tenant.pk:
                    del self.entries[entry]

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


lookup = TenantLookup()


def _forget_tenant(sender, instance, **kwargs):
    lookup.forget(instance)


def _connect() -> None:
    try:
        model = get_tenant_model()
    except ImproperlyConfigured:
        return  # reported by the system check tenancy.E001
    post_save.connect(_forget_tenant, sender=model, dispatch_uid="tenancy.routing.saved")
    post_delete.connect(_forget_tenant, sender=model, dispatch_uid="tenancy.routing.deleted")


_connect()
