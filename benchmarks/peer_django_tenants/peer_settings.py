"""Settings of the django-tenants peer (``DJANGO_SETTINGS_MODULE=peer_settings``).

``run.py`` sets ``PEER_DATABASE`` (the connection parameters of its throwaway database, as JSON)
and ``PEER_CRM_MIGRATIONS`` (the temporary copy of ``crm/migrations`` the run uses) before
``django.setup()``. The configuration is django-tenants' documented one, nothing tuned: the
tenant model and the shared Currency in SHARED_APPS (the public schema), the CRM app alone in
TENANT_APPS, the TenantSyncRouter.
"""

import json
import os

_db = json.loads(os.environ.get("PEER_DATABASE", "{}"))

DATABASES = {
    "default": {
        "ENGINE": "django_tenants.postgresql_backend",
        "NAME": _db.get("NAME", "peer_bench"),
        "USER": _db.get("USER", "postgres"),
        "PASSWORD": _db.get("PASSWORD", ""),
        "HOST": _db.get("HOST", "127.0.0.1"),
        "PORT": _db.get("PORT", "5432"),
    }
}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]

SHARED_APPS = [
    "django_tenants",
    "django.contrib.contenttypes",
    "customers",
    "shared",
]
TENANT_APPS = [
    "crm",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "customers.Client"
TENANT_DOMAIN_MODEL = "customers.Domain"

# The run's own copy of the CRM migrations (the migrate benchmark adds a migration to it).
if os.environ.get("PEER_CRM_MIGRATIONS"):
    MIGRATION_MODULES = {"crm": os.environ["PEER_CRM_MIGRATIONS"]}

# TENANT_MULTIPROCESSING_MAX_PROCESSES / _CHUNKS: django-tenants' defaults (2 and 2) unless
# run.py's --processes / --chunks say otherwise.
if os.environ.get("PEER_MP_PROCESSES"):
    TENANT_MULTIPROCESSING_MAX_PROCESSES = int(os.environ["PEER_MP_PROCESSES"])
if os.environ.get("PEER_MP_CHUNKS"):
    TENANT_MULTIPROCESSING_CHUNKS = int(os.environ["PEER_MP_CHUNKS"])

DEBUG = False
SECRET_KEY = "django-tenants-peer-benchmark"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ALLOWED_HOSTS = ["*"]
