from django.apps import AppConfig
from django.core.exceptions import ImproperlyConfigured


class TenancyConfig(AppConfig):
    name = "tenancy"
    verbose_name = "Tenancy"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from . import checks  # noqa: F401  (registers the system checks)
        from .contenttypes import create_content_types
        from .relations import install_related_managers, validate_relations
        from .utils import get_tenant_model

        validate_relations()
        post_migrate.connect(create_content_types, dispatch_uid="tenancy.create_content_types")
        try:
            tenant_model = get_tenant_model()
        except ImproperlyConfigured:
            return  # reported by the system check tenancy.E001
        install_related_managers(tenant_model)
