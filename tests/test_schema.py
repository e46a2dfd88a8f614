"""The DDL of a tenant: what provisioning sends, and how it is worked out."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenancy.schema import TEMPLATE_SCHEMA, ddl_template, tables_ddl
from tests.shop.models import Customer, Product


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_template_is_the_tenants_own_ddl(acme):
    """The DDL sent from the template is exactly what the tenant's classes would make, but for
    the order: the foreign keys to global tables come last, to lock those for as short as can be."""
    own = tables_ddl(connection, list(acme.models))
    sent = ddl_template("default").replace(TEMPLATE_SCHEMA, "tenant_acme").split(";\n")
    assert sorted(sent) == sorted(own)
    assert '"tenant_acme"."shop_product"' in ";".join(own) and TEMPLATE_SCHEMA not in ";".join(own)
    to_global = ['REFERENCES "tenant_acme".' not in s and "FOREIGN KEY" in s for s in sent]
    # 7 to auth_user, auth_group, auth_permission and django_content_type
    assert to_global == sorted(to_global) and sum(to_global) == 7


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_provisioning_sends_the_ddl_in_one_statement(db):
    with CaptureQueriesContext(connection) as ctx:
        Customer.objects.create(name="acme")
    ddl = [q["sql"] for q in ctx.captured_queries if "CREATE TABLE" in q["sql"]]
    assert len(ddl) == 1
    assert ddl[0].count("CREATE TABLE") == 15
    assert [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("CREATE SCHEMA")] == [
        'CREATE SCHEMA "tenant_acme"'
    ]


def test_provisioning_builds_no_classes_on_postgresql(db):
    from tenancy.registry import cache

    tenant = Customer.objects.create(name="acme")
    built = ("default", "tenant_acme") in cache.entries
    assert built is (connection.vendor != "postgresql")
    assert Product.for_tenant(tenant).objects.count() == 0  # built on first use


def test_index_names_match_between_tenants_on_postgresql_only(acme, globex):
    acme_ddl = " ".join(tables_ddl(connection, list(acme.models)))
    globex_ddl = " ".join(tables_ddl(connection, list(globex.models)))
    same = acme_ddl.replace("tenant_acme", "X") == globex_ddl.replace("tenant_globex", "X")
    # PostgreSQL keeps index names per schema, so a tenant's DDL differs by its schema name alone;
    # elsewhere names carry the tenant's prefix and are hashed from it.
    assert same is (connection.vendor == "postgresql")
