"""Settings of the example project: an issue tracker whose organizations are tenants.

``http://localhost:8000/`` is the public site (the organizations, the sign-up form, the admin);
``http://acme.localhost:8000/`` is the organization ``acme``. Browsers and curl resolve every
``*.localhost`` name to the loopback address, so no DNS or ``/etc/hosts`` set-up is needed.

Environment:

``EXAMPLE_DATABASE_URL``
    The database as a URL (``postgres://user:password@host:5432/name``, ``sqlite:////path/file``),
    read with dj-database-url. Unset: SQLite in ``example/db.sqlite3``.
``EXAMPLE_DEBUG``
    ``0`` turns ``DEBUG`` off (it is on: this is a project to run on your machine).
"""

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ.get("EXAMPLE_SECRET_KEY", "tenancy-example-not-secret")
DEBUG = os.environ.get("EXAMPLE_DEBUG", "1") != "0"
# localhost is the public site, <slug>.localhost an organization; 127.0.0.1 is the public site too.
ALLOWED_HOSTS = ["localhost", ".localhost", "127.0.0.1"]

INSTALLED_APPS = [
    # The admin (tracker/admin.py): tenancy.contrib.admin's AdminConfig in place of Django's, so
    # that admin.site administers the tenant models too, each organization's rows in turn.
    "tenancy.contrib.admin",  # before the admin: the tenant selector of its header
    "tenancy.contrib.admin.apps.AdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "tenancy",
    "tenancy.contrib.auth",
    "rest_framework",  # the REST API of tracker/api.py (its browsable pages' templates)
    "tracker",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # request.tenant, from the host; the tenant's requests are resolved with TENANCY_URLCONF.
    "tenancy.middleware.TenantMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # A session logged in at one organization authenticates nobody at another.
    "tenancy.contrib.auth.middleware.TenantAuthMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "trackersite.urls"  # the public site
WSGI_APPLICATION = "trackersite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if os.environ.get("EXAMPLE_DATABASE_URL"):
    import dj_database_url

    DATABASES = {"default": dj_database_url.parse(os.environ["EXAMPLE_DATABASE_URL"])}
else:
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": BASE_DIR / "db.sqlite3"}}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The development server answers each request in a thread of its own: let writers wait for
    # SQLite's lock, and take it when a transaction starts rather than fail to upgrade a read lock.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- tenancy ----------------------------------------------------------------------------------------

TENANCY_TENANT_MODEL = "tracker.Organization"
TENANCY_ROUTING = "subdomain"
TENANCY_BASE_DOMAIN = "localhost"  # acme.localhost is the organization whose slug is "acme"
TENANCY_ROUTING_FIELD = "slug"
TENANCY_URLCONF = "trackersite.tenant_urls"  # the organizations' pages

# --- Users ------------------------------------------------------------------------------------------

# The staff of the whole service are Django's users (auth.User), who sign in to the admin on the
# public site. Each organization has users of its own, tracker.Member: alice of acme is unknown at
# globex, and an organization's users never see the admin of the service.
TENANCY_USER_MODEL = "tracker.Member"
TENANCY_CURRENT_TENANT = True  # TenantBackend finds the tenant of a session's user there
AUTHENTICATION_BACKENDS = [
    "tenancy.contrib.auth.backends.PublicModelBackend",  # auth.User, on the public site only
    "tenancy.contrib.auth.backends.TenantBackend",  # the members of the request's organization
]
REST_FRAMEWORK = {
    # The session of the pages, or HTTP Basic: both sign members in through TenantBackend.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
}
LOGIN_URL = "login"  # reversed in the request's URLconf: an organization's login page
LOGIN_REDIRECT_URL = "/"  # a path, valid on both sites (an organization's dashboard, the public home)

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- The rest -----------------------------------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"  # served by runserver (DEBUG); tracker/static holds everything the pages use
