from django.apps import AppConfig


class TenantAuthConfig(AppConfig):
    name = "tenancy.contrib.auth"
    label = "tenancy_auth"
    verbose_name = "Tenant authentication"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from . import checks  # noqa: F401  (registers the system checks)
        from .sessions import bind_session

        user_logged_in.connect(bind_session, dispatch_uid="tenancy.contrib.auth.bind_session")
