"""``TenantMiddleware``: puts the tenant a request is for on ``request.tenant``.

Add it near the top of ``MIDDLEWARE`` (before anything that reads ``request.tenant``)::

    MIDDLEWARE = ["tenancy.middleware.TenantMiddleware", ...]

A request for a tenant (see :mod:`tenancy.routing` for how one is recognised) gets the tenant in
``request.tenant`` and is resolved with ``TENANCY_URLCONF`` when it is set; a request for a key no
tenant has gets a 404, never another tenant's pages nor the public site's; any other request
(the public site) passes through with ``request.tenant = None`` and the ``ROOT_URLCONF``. A
request for a static site (``TENANCY_STATIC_SITES``) has no tenant either, its site's name in
``request.static_site`` and its site's URLconf. The middleware works in sync and async stacks; in
an async one, a tenant it remembers costs no thread switch and no query.
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction, markcoroutinefunction
from django.http import Http404, HttpResponse, HttpResponsePermanentRedirect
from django.urls import get_script_prefix, set_script_prefix

from .conf import settings
from .context import using_tenant
from .lookup import Found, lookup, tenants_database
from .routing import Route, route


class TenantMiddleware:
    sync_capable = True
    async_capable = True

    def __init__(self, get_response):
        self.get_response = get_response
        self.is_async = iscoroutinefunction(get_response)
        if self.is_async:
            markcoroutinefunction(self)

    def __call__(self, request):
        if self.is_async:
            return self.__acall__(request)
        request.tenant, request.static_site, found = None, None, route(request)
        if found is None:
            return self.get_response(request)
        answer = None if found.static_urlconf else lookup.get(tenants_database(), found)
        prefix = get_script_prefix() if found.script_part else None  # only path routing changes it
        redirect = self.enter(request, found, answer)
        if redirect is not None:
            return redirect
        try:
            if settings.TENANCY_CURRENT_TENANT and request.tenant is not None:
                with using_tenant(request.tenant):
                    return self.get_response(request)
            return self.get_response(request)
        finally:
            if prefix is not None:
                set_script_prefix(prefix)

    async def __acall__(self, request):
        request.tenant, request.static_site, found = None, None, route(request)
        if found is None:
            return await self.get_response(request)
        answer = None
        if not found.static_urlconf:
            answer = await lookup.aget(tenants_database(), found)
        prefix = get_script_prefix() if found.script_part else None
        redirect = self.enter(request, found, answer)
        if redirect is not None:
            return redirect
        try:
            if settings.TENANCY_CURRENT_TENANT and request.tenant is not None:
                with using_tenant(request.tenant):
                    return await self.get_response(request)
            return await self.get_response(request)
        finally:
            if prefix is not None:
                set_script_prefix(prefix)

    @staticmethod
    def enter(request, found: Route, answer: Found | None) -> HttpResponse | None:
        """Set ``request`` up for its tenant or static site; a redirect to a primary domain, or None."""
        if found.static_urlconf:
            request.static_site = found.key
            request.urlconf = found.static_urlconf
        elif answer.tenant is None:
            raise Http404(f"No tenant is called {found.key!r}.")
        elif settings.TENANCY_REDIRECT_TO_PRIMARY_DOMAIN and answer.primary_domain not in (None, found.key):
            return HttpResponsePermanentRedirect(f"{request.scheme}://{answer.primary_domain}{request.get_full_path()}")
        else:
            request.tenant = answer.tenant
            if settings.TENANCY_URLCONF:
                request.urlconf = settings.TENANCY_URLCONF
        if found.script_part:
            # /t/acme/orders/: the URLconf sees orders/, and reverse() puts /t/acme/ back.
            script_name = request.META.get("SCRIPT_NAME", "").rstrip("/") + found.script_part
            request.META["SCRIPT_NAME"] = script_name
            request.path_info = request.path_info[len(found.script_part) :] or "/"
            set_script_prefix(script_name + "/")
        return None
