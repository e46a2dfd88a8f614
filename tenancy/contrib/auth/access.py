"""Who may use a tenant's pages: its members (``tenant.has_member(user)``) and its own users."""

from __future__ import annotations

from functools import wraps

from asgiref.sync import iscoroutinefunction
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied


def user_tenant(user):
    """The tenant whose own user ``user`` is (a per-tenant user), or None for a global user."""
    return getattr(user.__class__, "_tenancy_tenant", None)  # __class__: request.user is a lazy object


def is_member(tenant, user) -> bool:
    """Whether ``user`` may use ``tenant``: a user of the tenant's own user model always, a global
    user when the tenant model's ``has_member(user)`` says so."""
    if not user.is_authenticated:
        return False
    owner = user_tenant(user)
    if owner is not None:  # a per-tenant user: of this tenant, or of none we serve here
        return (owner.pk, owner._state.db) == (tenant.pk, tenant._state.db)
    has_member = getattr(tenant, "has_member", None)
    if has_member is None:
        raise ImproperlyConfigured(
            f"{type(tenant).__name__} has no has_member(user) method: define it to say which users belong to a tenant."
        )
    return bool(has_member(user))


def check_membership(request) -> None:
    """Raise PermissionDenied (403) when an authenticated user is not a member of the request's tenant."""
    tenant = getattr(request, "tenant", None)
    if tenant is not None and request.user.is_authenticated and not is_member(tenant, request.user):
        raise PermissionDenied(f"{request.user} is not a member of {tenant}.")


def tenant_member_required(view):
    """View decorator: anonymous users go to the login page, non-members get a 403."""

    def refuse(request):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        check_membership(request)
        return None

    if iscoroutinefunction(view):

        @wraps(view)
        async def checked(request, *args, **kwargs):
            from asgiref.sync import sync_to_async

            response = await sync_to_async(refuse)(request)
            return response or await view(request, *args, **kwargs)

    else:

        @wraps(view)
        def checked(request, *args, **kwargs):
            return refuse(request) or view(request, *args, **kwargs)

    return checked


class TenantMemberRequiredMixin:
    """For class-based views: anonymous users go to the login page, non-members get a 403."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        check_membership(request)
        return super().dispatch(request, *args, **kwargs)
