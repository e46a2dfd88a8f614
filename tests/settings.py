"""Settings for tenancy's own test suite.

The backend comes from TENANCY_TEST_BACKEND (``sqlite``, ``postgresql`` or ``mysql``); for a
server backend DATABASE_URL, when set, names the server. ``runtests.py`` sets both.
"""

import os

import dj_database_url

BACKEND = os.environ.get("TENANCY_TEST_BACKEND", "sqlite")

_DEFAULT_URLS = {
    "sqlite": "sqlite://:memory:",
    "postgresql": "postgres://postgres@127.0.0.1:5432/postgres",
    "mysql": "mysql://root@127.0.0.1:3306/test",
}
_url = os.environ.get("DATABASE_URL") if BACKEND != "sqlite" else None
DATABASES = {"default": dj_database_url.parse(_url or _DEFAULT_URLS[BACKEND])}
if BACKEND == "sqlite":
    # A file, not shared memory: threads then wait for SQLite's write lock instead of failing.
    import tempfile

    DATABASES["default"]["TEST"] = {"NAME": os.path.join(tempfile.gettempdir(), f"tenancy-tests-{os.getpid()}.sqlite3")}
else:
    # One test database per run, so that runs at the same time on one server don't collide.
    DATABASES["default"]["TEST"] = {"NAME": f"test_tenancy_{os.getpid()}"}
if os.environ.get("TENANCY_TEST_DB_NAME"):
    # A process started by a test (a worker, a server) uses the test's database itself.
    DATABASES["default"]["NAME"] = os.environ["TENANCY_TEST_DB_NAME"]
if BACKEND == "mysql":
    import pymysql

    pymysql.install_as_MySQLdb()
    DATABASES["default"]["TEST"]["CHARSET"] = "utf8mb4"

# A second database on the same server, for tenants stored elsewhere than "default".
DATABASES["other"] = {**DATABASES["default"], "TEST": dict(DATABASES["default"]["TEST"])}
DATABASES["other"]["TEST"]["NAME"] = DATABASES["default"]["TEST"]["NAME"].replace("tenancy", "tenancy_other")
DATABASE_ROUTERS = ["tenancy.routers.TenantRouter"]

SECRET_KEY = "tenancy-tests"
STATIC_URL = "/static/"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
# No middleware by default: each web test sets the middleware it is about (the admin's in
# tests/test_admin.py), so the admin's checks for it would fail every command the tests run.
SILENCED_SYSTEM_CHECKS = ["admin.E408", "admin.E409", "admin.E410"]
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",  # the admin's CSS and JavaScript, in the browser tests
    "tenancy",
    "tenancy.contrib.admin",  # before the admin: its admin/base_site.html comes first
    "tenancy.contrib.admin.apps.AdminConfig",  # Django's admin, with a TenantAdminSite
    "tenancy.contrib.domains",
    "tenancy.contrib.auth",
    "tests.shop",
    "tests.evolve",
    "tests.members",
]
TENANCY_TENANT_MODEL = "shop.Customer"
TENANCY_USER_MODEL = "members.Member"
