from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class TenancyConfig(AppConfig):
    name = "tenancy"
    verbose_name = "Tenancy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, invalidation  # noqa: F401  (checks: registers the system checks)
        from .relations import install_related_managers, validate_relations
        from .utils import get_tenant_model

        validate_relations()

        try:
            tenant_model = get_tenant_model()
        except ImproperlyConfigured:
            return  # reported by the system check tenancy.E001
        install_related_managers(tenant_model)
        invalidation.connect(tenant_model)
