"""Which tenant a request is for, as the request says it: a key, a host, or a static site.

A request names its tenant in one of four ways (``TENANCY_ROUTING``):

``"subdomain"``
    ``acme.example.com`` with ``TENANCY_BASE_DOMAIN = "example.com"``. The base domain itself,
    ``www.`` on it and any other host are no tenant's: the public site.
``"domain"``
    Any host stored as a tenant's domain (``tenancy.contrib.domains``): a tenant has as many as it
    likes, one of them primary. The base domain and ``www.`` on it are the public site; any other
    host no tenant has is a 404.
``"path"``
    ``/t/acme/orders/`` with ``TENANCY_PATH_PREFIX = "t"``. The tenant's part of the path is
    taken off ``path_info`` and becomes part of the script prefix, so the tenant's URLconf
    matches ``orders/`` and ``reverse()`` gives ``/t/acme/orders/``.
``"header"``
    ``X-Tenant: acme`` (``TENANCY_HEADER``), for APIs behind a gateway.

A key (or host) listed in ``TENANCY_STATIC_SITES`` is a static site with a URLconf of its own
(``{"admin": "project.admin_urls"}``: ``admin.example.com``), not a tenant; no tenant can be
reached under it. Which tenant a key is, is :mod:`tenancy.lookup`'s business.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings as django_settings
from django.core.signals import setting_changed
from django.http import HttpRequest
from django.http.request import split_domain_port

from .conf import DEFAULTS, settings

ROUTINGS = ("subdomain", "domain", "path", "header")


@dataclass(frozen=True)
class Route:
    """What a request says of where it goes: a tenant's key or host, or a static site."""

    key: str
    script_part: str = ""  # "/t/acme", taken off path_info and added to the script prefix
    by_domain: bool = False  # the key is a host, looked up among the tenants' domains
    static_urlconf: str | None = None  # a static site: its URLconf, and no tenant


def route(request: HttpRequest) -> Route | None:
    """Where ``request`` goes; None for the public site."""
    how = settings.TENANCY_ROUTING
    if how == "subdomain":
        found = _by_subdomain(checked_hosts.get_host(request))
    elif how == "domain":
        found = _by_domain(checked_hosts.get_host(request))
    elif how == "path":
        found = _by_path(request.path_info)
    elif how == "header":
        key = request.headers.get(settings.TENANCY_HEADER, "").strip()
        found = Route(key) if key else None
    else:
        raise ValueError(f"TENANCY_ROUTING must be one of {', '.join(map(repr, ROUTINGS))}, not {how!r}.")
    if found is not None and found.key in settings.TENANCY_STATIC_SITES:
        return Route(found.key, found.script_part, static_urlconf=settings.TENANCY_STATIC_SITES[found.key])
    return found


class CheckedHosts:
    """``request.get_host()``, remembered for the Host headers it has already accepted.

    ``get_host()`` checks the host against ALLOWED_HOSTS (``DisallowedHost`` when it is not
    there): 32k of the middleware's 72k instructions a request (``bench_http_instructions.py``).
    Its answer depends only on the Host and X-Forwarded-Host headers and on the settings
    ALLOWED_HOSTS and USE_X_FORWARDED_HOST (and DEBUG, when ALLOWED_HOSTS is empty). It is
    remembered per pair of headers while those settings keep their values, compared at every
    request: a list changed in place, or an object whose hosts change (read from the database,
    say), makes it forget. With an empty ALLOWED_HOSTS, or a request class with a ``get_host()``
    of its own, Django is asked every time. Bounded: emptied when full.
    """

    size = 1000

    def __init__(self):
        self.hosts: dict[tuple[str, str | None], str] = {}
        self.settings: tuple = ()  # ALLOWED_HOSTS and USE_X_FORWARDED_HOST that self.hosts holds for

    def get_host(self, request) -> str:
        allowed = django_settings.ALLOWED_HOSTS
        if type(request).get_host is not _get_host or not allowed:
            return request.get_host()
        current = (*allowed, django_settings.USE_X_FORWARDED_HOST)
        if current != self.settings:
            self.hosts, self.settings = {}, current
        meta = request.META
        headers = (meta.get("HTTP_HOST"), meta.get("HTTP_X_FORWARDED_HOST"))
        host = self.hosts.get(headers)
        if host is None:
            host = request.get_host()
            if headers[0] is not None:  # (without a Host header, Django reads SERVER_NAME)
                if len(self.hosts) >= self.size:
                    self.hosts = {}
                self.hosts[headers] = host
        return host


_get_host = HttpRequest.get_host
checked_hosts = CheckedHosts()


def _base_domain() -> str:
    return (settings.TENANCY_BASE_DOMAIN or "").lower().strip(".")


# A host's Route depends on nothing but the host and tenancy's settings: remembered for the last
# 1,000 hosts (forgotten when a setting changes), it is a dictionary lookup instead of parsing the
# host again, which took 2.4 µs a request (30k instructions). Only hosts found in ALLOWED_HOSTS
# get here (CheckedHosts).
@functools.lru_cache(maxsize=1000)
def _by_subdomain(host: str) -> Route | None:
    base = _base_domain()
    host, _ = split_domain_port(host)  # lowercased, without the port
    if not base or not host.endswith("." + base):
        return None
    key = host[: -len(base) - 1]
    if not key or ("www" == key and key not in settings.TENANCY_STATIC_SITES) or "." in key:
        return None
    return Route(key)


@functools.lru_cache(maxsize=1000)
def _by_domain(host: str) -> Route | None:
    host, _ = split_domain_port(host)
    base = _base_domain()
    if host in settings.TENANCY_STATIC_SITES:
        return Route(host)
    if not host or host in (base, "www." + base):
        return None
    return Route(host, by_domain=True)


def _by_path(path: str) -> Route | None:
    prefix = settings.TENANCY_PATH_PREFIX.strip("/")
    parts = path.lstrip("/").split("/", 2)
    if len(parts) < 2 or parts[0] != prefix or not parts[1]:
        return None
    return Route(parts[1], f"/{prefix}/{parts[1]}")


def _setting_changed(setting, **kwargs):
    if setting in DEFAULTS:  # as tenancy.conf forgets the settings it read
        _by_subdomain.cache_clear()
        _by_domain.cache_clear()


setting_changed.connect(_setting_changed, dispatch_uid="tenancy.routing")
