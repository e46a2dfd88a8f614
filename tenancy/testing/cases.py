"""``TenantTestCase``: a tenant for each test class, made once and rolled back with the class."""

from __future__ import annotations

import itertools

from django.db import connections
from django.test import TestCase, TransactionTestCase

from tenancy.conf import settings
from tenancy.utils import get_tenant_model

from .client import AsyncTenantClient, TenantClient

_numbers = itertools.count(1)


def unique_key() -> str:
    """A routing key no tenant made by these helpers (make_tenant, TenantFactory) has had yet."""
    return f"tenant{next(_numbers)}"


def make_tenant(using: str = "default", **fields):
    """A new tenant; its routing field (``TENANCY_ROUTING_FIELD``) is made unique unless given."""
    fields.setdefault(settings.TENANCY_ROUTING_FIELD, unique_key())
    return get_tenant_model()._default_manager.db_manager(using).create(**fields)


class TenantTestsMixin:
    tenant_fields: dict = {}  # the fields of the test's tenant, such as {"name": "acme"}

    @classmethod
    def create_tenant(cls, **fields):
        """Another tenant, for tests that need several; rolled back or deleted like the first."""
        return make_tenant(**fields)

    def setUp(self):
        super().setUp()
        self.client = TenantClient(self.tenant)
        self.async_client = AsyncTenantClient(self.tenant)


class TenantTestCase(TenantTestsMixin, TestCase):
    """A ``TestCase`` with ``self.tenant``, made in ``setUpTestData`` (once for the class, inside
    its transaction, so rolled back: schema, tables and row), and ``self.client`` and
    ``self.async_client`` addressed to it.

    MySQL and MariaDB cannot roll DDL back: use :class:`TenantTransactionTestCase` there.
    """

    @classmethod
    def setUpClass(cls):
        for alias in cls._databases_names(include_mirrors=False):
            if not connections[alias].features.can_rollback_ddl:
                raise TypeError(
                    f"{cls.__name__}: {connections[alias].display_name} cannot roll a tenant's tables back; "
                    "use TenantTransactionTestCase."
                )
        super().setUpClass()

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.tenant = make_tenant(**cls.tenant_fields)


class TenantTransactionTestCase(TenantTestsMixin, TransactionTestCase):
    """A ``TransactionTestCase`` with a tenant made for each test and deleted after it (with every
    tenant the test made), for backends that cannot roll DDL back and for tests of commits."""

    def setUp(self):
        self.tenant = make_tenant(**self.tenant_fields)
        super().setUp()

    def _fixture_teardown(self):
        for alias in self._databases_names(include_mirrors=False):
            get_tenant_model()._default_manager.using(alias).all().delete()
        super()._fixture_teardown()
