from django.apps import AppConfig


class PlainCrmConfig(AppConfig):
    name = "benchmarks.plaincrm"
    label = "plaincrm"
    default_auto_field = "django.db.models.BigAutoField"
