import pytest
from django.contrib.auth.models import Group, User
from django.db import connection, connections

from tenancy.registry import cache
from tests.shop.models import Comment, Customer, Invoice, Order, Product, Tag

pytest_plugins = ["tests.admin_fixtures"]  # the admin's tests' fixtures


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


@pytest.fixture
def acme_data(acme, user, group):
    products = Product.for_tenant(acme)
    anvil = products.objects.create(name="anvil", price=12)
    bolt = products.objects.create(name="bolt", price=3, archived=True)
    tags = [Tag.for_tenant(acme).objects.create(label=label) for label in ("red", "blue")]
    orders = Order.for_tenant(acme)
    first = orders.objects.create(product=anvil, buyer=user, quantity=2)
    second = orders.objects.create(product=bolt, buyer=user, parent=first)
    first.tags.set(tags)
    second.groups.add(group)
    Invoice.for_tenant(acme).objects.create(order=first, number="F-1")
    comments = Comment.for_tenant(acme).objects
    comments.create(content_object=anvil, body="on a tenant row")
    comments.create(content_object=user, body="on a global row")
    return acme
