"""Settings of the served project: subdomain routing on example.com, the database from the environment.

``SERVED_DATABASE_URL``
    The database, as a URL (``postgres://user@host:port/name`` or ``sqlite:////path/to/file``).
``SERVED_CONN_MAX_AGE``
    Django's ``CONN_MAX_AGE`` (default 0: a connection per request).
``SERVED_DIRECT_DATABASE_URL``
    Set when ``SERVED_DATABASE_URL`` goes through a pooler in transaction mode (pgbouncer): the
    same database reached directly. Server-side cursors are then off, as Django requires behind
    such a pooler, and tenancy listens for tenant changes through the direct connection, since
    ``LISTEN`` does not work through the pooler.
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

SECRET_KEY = "tenancy-served"
DEBUG = False
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ALLOWED_HOSTS = [".example.com"]
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "tenancy",
    "tests.shop",
]
MIDDLEWARE = ["tenancy.middleware.TenantMiddleware"]
ROOT_URLCONF = "tests.served.public_urls"
TENANCY_URLCONF = "tests.served.urls"
TENANCY_TENANT_MODEL = "shop.Customer"
TENANCY_BASE_DOMAIN = "example.com"
DATABASE_ROUTERS = ["tenancy.routers.TenantRouter"]

if not os.environ.get("SERVED_DATABASE_URL"):
    raise ImproperlyConfigured(
        "Set SERVED_DATABASE_URL to the served project's database, e.g. sqlite:////tmp/x.sqlite3."
    )
DATABASES = {
    "default": dj_database_url.parse(
        os.environ["SERVED_DATABASE_URL"], conn_max_age=int(os.environ.get("SERVED_CONN_MAX_AGE", "0"))
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several processes and threads write to one file: wait for the lock, and take it up front
    # (BEGIN IMMEDIATE) rather than fail to upgrade a read lock; WAL lets readers run meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 30,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if os.environ.get("SERVED_DIRECT_DATABASE_URL"):
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = True
    DATABASES["direct"] = dj_database_url.parse(os.environ["SERVED_DIRECT_DATABASE_URL"])
    TENANCY_ROUTING_LISTEN = "direct"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"stderr": {"class": "logging.StreamHandler"}},
    "loggers": {"django.request": {"handlers": ["stderr"], "level": "ERROR"}},
}
