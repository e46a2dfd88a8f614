"""Minimal Django settings for building the documentation (autodoc imports tenancy's models).

Nothing connects to the database: SQLite in memory is only there so that the settings are
complete.
"""

SECRET_KEY = "tenancy-docs"
USE_TZ = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.messages",
    "tenancy",
    "tenancy.contrib.admin",
    "tenancy.contrib.admin.apps.AdminConfig",
]
