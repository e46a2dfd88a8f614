"""System checks of tenancy.contrib.auth."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.core import checks

from tenancy.conf import settings

BACKEND = "tenancy.contrib.auth.backends.TenantBackend"


@checks.register()
def check_tenant_auth(app_configs=None, **kwargs):
    errors = []
    uses_backend = BACKEND in getattr(django_settings, "AUTHENTICATION_BACKENDS", ())
    if uses_backend and not settings.TENANCY_CURRENT_TENANT:
        errors.append(
            checks.Error(
                f"{BACKEND} is in AUTHENTICATION_BACKENDS, but TENANCY_CURRENT_TENANT is False.",
                hint="Django loads the user of a session without the request; the backend takes the tenant "
                "from tenancy.context.current_tenant(), which TenantMiddleware sets when TENANCY_CURRENT_TENANT "
                "is True.",
                id="tenancy.E013",
            )
        )
    if uses_backend or settings.TENANCY_USER_MODEL:
        errors += _check_user_model()
    return errors


def _check_user_model():
    from tenancy.base import declared_models

    from .models import AbstractTenantUser

    label = settings.TENANCY_USER_MODEL
    found = next((m for m in declared_models if label and m._meta.label_lower == str(label).lower()), None)
    if found is None or not issubclass(found, AbstractTenantUser):
        return [
            checks.Error(
                f"TENANCY_USER_MODEL must name a tenant model subclassing AbstractTenantUser, not {label!r}.",
                hint="For example TENANCY_USER_MODEL = 'accounts.Member', with class Member(AbstractTenantUser).",
                id="tenancy.E014",
            )
        ]
    return []
