"""Settings of the peer's served variants: ``peer_settings`` plus a middleware stack and URLs.

``PEER_HTTP_VARIANT`` picks the variant:

``"django-tenants"``
    django-tenants as documented: ``TenantMainMiddleware`` first (and only) in ``MIDDLEWARE``,
    the tenant found by its ``Domain`` (``t00042.bench.test``), the view over ``crm.Contact``
    through the search path django-tenants sets.
``"plain"``
    Plain Django in the same virtual environment (same Django, same driver, psycopg2): Django's
    own PostgreSQL backend, no router, no middleware, the search path fixed once per connection
    (``PEER_HTTP_PLAIN_SCHEMA``, one tenant's schema, then public) by the connection's options, so
    that the same view over ``crm.Contact`` reads that schema's table whatever the host.

Both keep their connections (``CONN_MAX_AGE = None``).
"""

import os

from peer_settings import *  # noqa: F403

ALLOWED_HOSTS = [".bench.test", "127.0.0.1", "localhost"]
ROOT_URLCONF = "web.urls"
DATABASES["default"]["CONN_MAX_AGE"] = None  # noqa: F405

VARIANT = os.environ.get("PEER_HTTP_VARIANT", "django-tenants")
if VARIANT == "django-tenants":
    MIDDLEWARE = ["django_tenants.middleware.main.TenantMainMiddleware"]
elif VARIANT == "plain":
    MIDDLEWARE = []
    SCHEMA = os.environ.get("PEER_HTTP_PLAIN_SCHEMA", "public")
    DATABASES["default"]["ENGINE"] = "django.db.backends.postgresql"  # noqa: F405
    DATABASES["default"]["OPTIONS"] = {"options": f"-c search_path={SCHEMA},public"}  # noqa: F405
    DATABASE_ROUTERS = []
    INSTALLED_APPS = ["django.contrib.contenttypes", "shared", "crm"]
else:
    raise ValueError(f"PEER_HTTP_VARIANT must be 'django-tenants' or 'plain', not {VARIANT!r}.")
