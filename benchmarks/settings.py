"""Settings of the benchmark project (``DJANGO_SETTINGS_MODULE=benchmarks.settings``).

SQLite by default, in a temporary file; PostgreSQL (or another server) when ``DATABASE_URL`` is
set, e.g. ``DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres``. The benchmark scripts do
not touch the database named in the URL: they connect to it only to create (and finally drop)
their own database, ``tenancy_bench`` unless ``BENCH_DB_NAME`` says otherwise.
"""

import os
import tempfile

import dj_database_url

BENCH_DB_NAME = os.environ.get("BENCH_DB_NAME", "tenancy_bench")
DATABASE_URL = os.environ.get("DATABASE_URL", "")

if DATABASE_URL:
    _db = dj_database_url.parse(DATABASE_URL)
    # The database the URL names is only the one to connect to to CREATE/DROP the bench database.
    BENCH_SERVER_DB = _db["NAME"]
    _db["NAME"] = BENCH_DB_NAME
else:
    BENCH_SERVER_DB = None
    _db = {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.path.join(tempfile.gettempdir(), f"{BENCH_DB_NAME}_{os.getpid()}.sqlite3"),
    }
DATABASES = {"default": _db}

DEBUG = False
SECRET_KEY = "tenancy-benchmarks"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "tenancy",
    "benchmarks.shared",
    "benchmarks.crm",
    "benchmarks.plaincrm",
]
TENANCY_TENANT_MODEL = "shared.Customer"
TENANCY_CACHE_SIZE = 1000

# bench_migrate.py gives the CRM app migrations in a temporary package of its own.
if os.environ.get("BENCH_CRM_MIGRATIONS"):
    MIGRATION_MODULES = {"crm": os.environ["BENCH_CRM_MIGRATIONS"]}
