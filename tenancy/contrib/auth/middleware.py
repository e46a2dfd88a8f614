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

from django.contrib.auth.models import AnonymousUser
from django.utils.deprecation import MiddlewareMixin

from tenancy.conf import settings

from .access import check_membership
from .sessions import made_elsewhere


async def _anonymous():
    return AnonymousUser()


class TenantAuthMiddleware(MiddlewareMixin):
    """Django's ``MiddlewareMixin`` runs ``process_request`` in sync and async stacks (in a thread in
    an async one: the session and the user are read from storage)."""

    def process_request(self, request) -> None:
        if settings.TENANCY_SESSION_PER_TENANT and made_elsewhere(request):
            request.user, request.auser = AnonymousUser(), _anonymous
        if settings.TENANCY_REQUIRE_MEMBERSHIP:
            check_membership(request)
