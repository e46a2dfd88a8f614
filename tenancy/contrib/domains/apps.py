from django.apps import AppConfig


class DomainsConfig(AppConfig):
    name = "tenancy.contrib.domains"
    label = "tenancy_domains"
    verbose_name = "Tenant domains"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tenancy import invalidation

        invalidation.connect(self.get_model("Domain"))
