from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from tenancy import signals


def tables(schema=None):
    """The tenant tables that exist right now, as the catalog lists them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables "
                "WHERE table_schema LIKE 'tenant\\_%%'"
            )
            names = {row[0] for row in cursor.fetchall()}
        else:
            names = {name for name in connection.introspection.table_names(cursor) if name.startswith("tenant_")}
    if schema is None:
        return names
    return {name for name in names if name.startswith(schema + (".", "_")[connection.vendor != "postgresql"])}


def schema_exists(schema):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT 1 FROM pg_namespace WHERE nspname = %s", [schema])
            return cursor.fetchone() is not None
    return bool(tables(schema))


@contextmanager
def recorded_signals(names, schema):
    """Record, while in the block, each of tenancy's signals ``names`` that is sent: its name,
    sender, tenant name and database, and whether ``schema`` existed then."""
    received = []

    def receiver_for(name):
        def receiver(sender, tenant, using, **kwargs):
            received.append((name, sender, tenant.name, using, schema_exists(schema)))

        return receiver

    receivers = {name: receiver_for(name) for name in names}
    for name, receiver in receivers.items():
        getattr(signals, name).connect(receiver)
    try:
        yield received
    finally:
        for name, receiver in receivers.items():
            getattr(signals, name).disconnect(receiver)


TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [str(Path(__file__).resolve().parent / "web" / "templates")],
    }
]

# What the web tests route with: TenantMiddleware, subdomains of example.com, tests/web's URLconfs.
ROUTED = {
    "MIDDLEWARE": ["tenancy.middleware.TenantMiddleware"],
    "ROOT_URLCONF": "tests.web.urls",
    "TENANCY_URLCONF": "tests.web.tenant_urls",
    "TENANCY_BASE_DOMAIN": "example.com",
    "ALLOWED_HOSTS": [".example.com"],
    "TEMPLATES": TEMPLATES,
}


@contextmanager
def routing(settings, **overrides):
    """The web tests' settings (ROUTED, then ``overrides``) on pytest-django's ``settings``, with the
    process's tenant lookups forgotten before and after."""
    from tenancy.lookup import lookup

    for name, value in {**ROUTED, **overrides}.items():
        setattr(settings, name, value)
    lookup.clear()
    try:
        yield
    finally:
        lookup.clear()


def tenant_rows(tenant) -> dict:
    """Every row of every tenant model of ``tenant``, by declared label, in primary key order; a
    content type is written as the model it names (``shop.product``, whichever tenant's it is)."""
    from django.contrib.contenttypes.models import ContentType

    from tenancy.base import declared_models

    def named(content_type_id):
        content_type = ContentType.objects.db_manager(tenant._state.db).get(pk=content_type_id)
        return f"{content_type.app_label.rsplit(':', 1)[-1]}.{content_type.model}"

    rows = {}
    for model in declared_models:
        if model._meta.proxy:
            continue
        values = list(model.for_tenant(tenant).objects.order_by("pk").values())
        for row in values:
            if "content_type_id" in row:
                row["content_type_id"] = named(row["content_type_id"])
        rows[model._meta.label] = values
    return rows
