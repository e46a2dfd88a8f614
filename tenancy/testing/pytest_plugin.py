"""pytest fixtures for projects built on tenancy (with pytest-django), loaded automatically.

``tenant``
    A new tenant, rolled back with the test (or deleted after it, in a transactional test).
``tenant_factory``
    A function making more: ``tenant_factory(name="acme")``.
``tenant_client``, ``async_tenant_client``
    Django's test clients addressed to ``tenant`` (:class:`tenancy.testing.TenantClient`).
"""

from __future__ import annotations

import pytest


@pytest.fixture
def tenant_factory(db):
    """Make tenants in the test's database; the test's transaction takes them back."""
    from .cases import make_tenant

    made = []

    def make(**fields):
        made.append(make_tenant(**fields))
        return made[-1]

    yield make
    from django.db import connections

    for tenant in reversed(made):
        if not connections[tenant._state.db].in_atomic_block:  # a transactional test: committed
            type(tenant)._default_manager.using(tenant._state.db).filter(pk=tenant.pk).delete()


@pytest.fixture
def tenant(tenant_factory):
    """A new tenant."""
    return tenant_factory()


@pytest.fixture
def tenant_client(tenant):
    """A test client whose requests go to ``tenant``."""
    from .client import TenantClient

    return TenantClient(tenant)


@pytest.fixture
def async_tenant_client(tenant):
    """An async test client whose requests go to ``tenant``."""
    from .client import AsyncTenantClient

    return AsyncTenantClient(tenant)


@pytest.fixture
def tenant_api_client(tenant):
    """A Django REST framework test client whose requests go to ``tenant``."""
    from .rest_framework import TenantAPIClient

    return TenantAPIClient(tenant)
