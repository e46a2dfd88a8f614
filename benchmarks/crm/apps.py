from django.apps import AppConfig


class CrmConfig(AppConfig):
    name = "benchmarks.crm"
    label = "crm"
    default_auto_field = "django.db.models.BigAutoField"
