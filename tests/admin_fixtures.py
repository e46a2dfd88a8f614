"""Fixtures of the admin's tests (tests/test_admin*.py), loaded by tests/conftest.py.

A module that uses them marks its tests with ``pytestmark = pytest.mark.usefixtures("admin_settings")``.
"""

import pytest
from django.contrib.auth.models import User
from django.test import Client

from tests.settings import TEMPLATES
from tests.shop.models import Customer, Product
from tests.utils import routing

ADMIN_TEMPLATES = TEMPLATES  # tests/settings.py: what the admin needs
ADMIN_SETTINGS = {
    "MIDDLEWARE": [
        "tenancy.middleware.TenantMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "tenancy.contrib.auth.middleware.TenantAuthMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
    ],
    "ROOT_URLCONF": "tests.web.admin_urls",
    "TENANCY_URLCONF": "tests.web.admin_urls",
    "TEMPLATES": ADMIN_TEMPLATES,
    "TENANCY_CURRENT_TENANT": True,
    "AUTHENTICATION_BACKENDS": [
        "django.contrib.auth.backends.ModelBackend",
        "tenancy.contrib.auth.backends.TenantBackend",
    ],
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


@pytest.fixture
def admin_settings(settings):
    with routing(settings, **ADMIN_SETTINGS):
        yield


@pytest.fixture
def shops(db):
    acme, globex = Customer.objects.create(name="acme"), Customer.objects.create(name="globex")
    for tenant, names in ((acme, ["anvil", "rocket"]), (globex, ["widget"])):
        for name in names:
            Product.for_tenant(tenant).objects.create(name=name, price=5)
    return acme, globex


@pytest.fixture
def superuser(db):
    return User.objects.create_superuser("root", "root@example.com", "root-secret")


@pytest.fixture
def root(superuser):
    client = Client(**{"HTTP_HOST": "example.com"})
    client.force_login(superuser)
    return client
