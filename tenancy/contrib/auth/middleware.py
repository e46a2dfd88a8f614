"""``TenantAuthMiddleware``: sessions stay at their tenant; members only, when asked.

Put it after Django's ``AuthenticationMiddleware`` (and so after ``TenantMiddleware``)::

    MIDDLEWARE = [
        "tenancy.middleware.TenantMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "tenancy.contrib.auth.middleware.TenantAuthMiddleware",
        ...
    ]

* A session that logged a user in at another tenant (or at the public site) authenticates
  nobody here: ``request.user`` is anonymous for this request, and the session is left as it is,
  so its own tenant keeps it (``TENANCY_SESSION_PER_TENANT``, on by default).
* With ``TENANCY_REQUIRE_MEMBERSHIP = True``, an authenticated user who is not a member of the
  request's tenant gets a 403 on every page of the tenant (see :mod:`.access`).
"""

from __future__ import annotations

from asgiref.sync import iscoroutinefunction, markcoroutinefunction, sync_to_async
from django.contrib.auth.models import AnonymousUser

from tenancy.conf import settings

from .access import check_membership
from .sessions import made_elsewhere


async def _anonymous():
    return AnonymousUser()


class TenantAuthMiddleware:
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
        self.check(request)
        return self.get_response(request)

    async def __acall__(self, request):
        await sync_to_async(self.check)(request)  # the session and the user are read from storage
        return await self.get_response(request)

    @staticmethod
    def check(request) -> None:
        if settings.TENANCY_SESSION_PER_TENANT and made_elsewhere(request):
            request.user, request.auser = AnonymousUser(), _anonymous
        if settings.TENANCY_REQUIRE_MEMBERSHIP:
            check_membership(request)
