"""``TenantBackend``: authenticates against the users of the request's tenant (``TENANCY_USER_MODEL``)."""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend, ModelBackend
from django.core.exceptions import ImproperlyConfigured

from tenancy.conf import settings
from tenancy.context import current_tenant
from tenancy.naming import app_label as tenant_app_label


def tenant_user_model(tenant):
    """``tenant``'s class of the per-tenant user model named by ``TENANCY_USER_MODEL``."""
    label = settings.TENANCY_USER_MODEL
    if not label:
        raise ImproperlyConfigured("TENANCY_USER_MODEL is not set: name the per-tenant user model, 'app.Model'.")
    return tenant.models[label]


class TenantBackend(BaseBackend):
    """Add it to ``AUTHENTICATION_BACKENDS`` for per-tenant users.

    ``authenticate(request, username, password)`` looks the user up among ``request.tenant``'s
    users; without a tenant it authenticates nobody. ``get_user(user_id)``, which Django calls
    without the request, reads the tenant from :func:`tenancy.context.current_tenant`, which
    TenantMiddleware sets when ``TENANCY_CURRENT_TENANT = True`` (system check tenancy.E013).
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        tenant = getattr(request, "tenant", None)
        if tenant is None or password is None:
            return None
        model = tenant_user_model(tenant)
        username = username if username is not None else kwargs.get(model.USERNAME_FIELD)
        if username is None:
            return None
        try:
            user = model._default_manager.get_by_natural_key(username)
        except model.DoesNotExist:
            model().set_password(password)  # as long as for a known user: no timing difference
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        tenant = current_tenant()
        if tenant is None:
            return None
        model = tenant_user_model(tenant)
        try:
            user = model._default_manager.get(pk=user_id)
        except (model.DoesNotExist, ValueError, TypeError):
            return None
        return user if self.user_can_authenticate(user) else None

    @staticmethod
    def user_can_authenticate(user) -> bool:
        return getattr(user, "is_active", True)

    def get_all_permissions(self, user_obj, obj=None) -> set[str]:
        tenant = getattr(type(user_obj), "_tenancy_tenant", None)
        if tenant is None or not user_obj.is_active or obj is not None:
            return set()
        if not hasattr(user_obj, "_tenancy_perm_cache"):
            rows = user_obj.user_permissions.values_list("content_type__app_label", "codename")
            perms = {f"{label}.{codename}" for label, codename in rows}
            prefix = tenant_app_label(tenant.db_schema, "")
            perms |= {perm[len(prefix) :] for perm in perms if perm.startswith(prefix)}  # "shop.change_order"
            user_obj._tenancy_perm_cache = perms
        return user_obj._tenancy_perm_cache

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        if getattr(user_obj, "is_superuser", False) and user_obj.is_active:
            return True
        return perm in self.get_all_permissions(user_obj, obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        if getattr(user_obj, "is_superuser", False) and user_obj.is_active:
            return True
        return any(perm.split(".", 1)[0] == app_label for perm in self.get_all_permissions(user_obj))


class PublicModelBackend(ModelBackend):
    """Django's ``ModelBackend`` for the public site only: global users (``AUTH_USER_MODEL``) sign
    in where a request has no tenant, and nowhere else.

    For projects whose tenants have users of their own (``TenantBackend``) and whose global users
    are the service's staff: with it in place of ``ModelBackend``, a staff account cannot sign in
    on a tenant's login page. (Projects whose global users belong to tenants keep ``ModelBackend``.)
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if getattr(request, "tenant", None) is not None:
            return None
        return super().authenticate(request, username, password, **kwargs)
