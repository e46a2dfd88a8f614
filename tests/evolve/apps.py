from django.apps import AppConfig


class EvolveConfig(AppConfig):
    name = "tests.evolve"
    label = "evolve"
    default_auto_field = "django.db.models.BigAutoField"
