"""Tenants stored in another database: their classes go there (tenancy.routers.TenantRouter)."""

import pytest
from django.core import checks
from django.db import connections
from django.test import override_settings

from tests.shop.models import Customer, Order, Product, Tag

pytestmark = pytest.mark.django_db(databases=["default", "other"])


def tenant_tables(alias):
    connection = connections[alias]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'tenant_acme'")
            return cursor.fetchone()[0]
        return len([t for t in connection.introspection.table_names(cursor) if t.startswith("tenant_acme_")])


def test_a_tenant_in_another_database(user):
    tenant = Customer.objects.using("other").create(name="acme")
    assert tenant_tables("other") == 15 and tenant_tables("default") == 0
    AcmeProduct, AcmeOrder, AcmeTag = (model.for_tenant(tenant) for model in (Product, Order, Tag))
    assert AcmeProduct._tenancy_using == "other"
    pen = AcmeProduct.objects.create(name="pen")
    assert pen._state.db == "other"
    red = AcmeTag.objects.create(label="red")
    assert [p.name for p in AcmeProduct.objects.all()] == ["pen"]
    assert AcmeProduct.objects.get(name="pen")._state.db == "other"
    pen.name = "ink"
    pen.save()
    assert AcmeProduct.objects.using("other").get().name == "ink"
    tenant.delete()
    assert tenant_tables("other") == 0
    del AcmeOrder, red


def test_the_same_schema_name_in_two_databases():
    here = Customer.objects.create(name="acme")
    there = Customer.objects.using("other").create(name="acme")
    Product.for_tenant(here).objects.create(name="here")
    Product.for_tenant(there).objects.create(name="there")
    assert Product.for_tenant(here) is not Product.for_tenant(there)
    assert [p.name for p in Product.for_tenant(here).objects.all()] == ["here"]
    assert [p.name for p in Product.for_tenant(there).objects.all()] == ["there"]


def test_check_warns_when_the_router_is_missing():
    with override_settings(DATABASE_ROUTERS=[]):
        ids = [e.id for e in checks.run_checks(databases=["default", "other"]) if e.id.startswith("tenancy.")]
    assert ids == ["tenancy.W002"]
    ids = [e.id for e in checks.run_checks(databases=["default", "other"]) if e.id.startswith("tenancy.")]
    assert ids == []
