import pytest
from django.contrib.auth.models import Group, User
from django.db import connection, connections

from tenancy.registry import cache
from tests.shop.models import Customer


def pytest_collection_modifyitems(items):
    if connection.vendor == "mysql":
        # MySQL cannot roll DDL back, so tests cannot run inside a transaction that is rolled back:
        # every test commits, and the tenants it made are deleted after it.
        for item in items:
            marker = item.get_closest_marker("django_db")
            options = {**(marker.kwargs if marker else {}), "transaction": True}
            item.add_marker(pytest.mark.django_db(**options), append=False)  # first: the closest
            item.fixturenames.append("delete_tenants")


@pytest.fixture(autouse=True)
def _fresh_class_cache():
    yield
    cache.clear()


@pytest.fixture
def acme(db):
    return Customer.objects.create(name="acme")


@pytest.fixture
def globex(db):
    return Customer.objects.create(name="globex")


@pytest.fixture
def user(db):
    return User.objects.create(username="bob")


@pytest.fixture
def group(db):
    return Group.objects.create(name="vip")


@pytest.fixture
def delete_tenants(request):
    """For transactional tests: drop every tenant the test made, so the flush that follows can run."""
    yield
    marker = request.node.get_closest_marker("django_db")
    databases = (marker.kwargs.get("databases") if marker else None) or ["default"]
    for alias in connections if databases == "__all__" else databases:
        Customer.objects.using(alias).all().delete()
