"""Rows of one tenant are never visible through another's classes, whatever the concurrency."""

import asyncio
import threading

import pytest
from asgiref.sync import sync_to_async
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.shop.models import Customer, Product


def test_rows_are_isolated(acme, globex):
    Product.for_tenant(acme).objects.create(name="anvil")
    Product.for_tenant(globex).objects.create(name="widget")
    assert list(Product.for_tenant(acme).objects.values_list("name", flat=True)) == ["anvil"]
    assert list(Product.for_tenant(globex).objects.values_list("name", flat=True)) == ["widget"]


def test_sql_names_the_tenants_table(acme):
    with CaptureQueriesContext(connection) as ctx:
        list(Product.for_tenant(acme).objects.filter(name="x"))
    sql = ctx.captured_queries[0]["sql"]
    if connection.vendor == "postgresql":
        assert 'FROM "tenant_acme"."shop_product"' in sql
    else:
        assert f"FROM {connection.ops.quote_name('tenant_acme_shop_product')}" in sql


def test_no_query_touches_search_path(acme, globex):
    with CaptureQueriesContext(connection) as ctx:
        Product.for_tenant(acme).objects.create(name="a")
        Product.for_tenant(globex).objects.create(name="b")
        list(Product.for_tenant(acme).objects.all())
    assert ctx.captured_queries
    assert not any("search_path" in q["sql"].lower() for q in ctx.captured_queries)


@pytest.mark.skipif("connection.vendor != 'postgresql'")
def test_search_path_is_irrelevant(acme):
    """Pointing search_path at another tenant's schema changes nothing."""
    Product.for_tenant(acme).objects.create(name="anvil")
    Customer.objects.create(name="globex")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL search_path TO tenant_globex")
    assert list(Product.for_tenant(acme).objects.values_list("name", flat=True)) == ["anvil"]


def test_two_tenants_in_one_transaction(acme, globex):
    with transaction.atomic():
        Product.for_tenant(acme).objects.create(name="a1")
        Product.for_tenant(globex).objects.create(name="g1")
        Product.for_tenant(acme).objects.create(name="a2")
    assert Product.for_tenant(acme).objects.count() == 2
    assert Product.for_tenant(globex).objects.count() == 1


def test_rollback_covers_both_tenants(acme, globex):
    with pytest.raises(RuntimeError), transaction.atomic():
        Product.for_tenant(acme).objects.create(name="a1")
        Product.for_tenant(globex).objects.create(name="g1")
        raise RuntimeError
    assert Product.for_tenant(acme).objects.count() == Product.for_tenant(globex).objects.count() == 0


def test_interleaved_iteration_in_one_thread(acme, globex):
    for i in range(5):
        Product.for_tenant(acme).objects.create(name=f"a{i}")
        Product.for_tenant(globex).objects.create(name=f"g{i}")
    pairs = zip(Product.for_tenant(acme).objects.all(), Product.for_tenant(globex).objects.all(), strict=True)
    seen = [(a.name, g.name) for a, g in pairs]
    assert seen == [(f"a{i}", f"g{i}") for i in range(5)]


def close_connection():
    connection.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("delete_tenants")
def test_threads_use_their_own_tenant():
    tenants = [Customer.objects.create(name=f"t{i}") for i in range(4)]
    errors = []

    def work(tenant):
        try:
            model = Product.for_tenant(tenant)
            for n in range(20):
                model.objects.create(name=f"{tenant.name}-{n}")
            names = set(model.objects.values_list("name", flat=True))
            assert names == {f"{tenant.name}-{n}" for n in range(20)}, names
        except Exception as exc:  # reported below, with the thread's tenant
            errors.append((tenant.name, exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=work, args=(t,)) for t in tenants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("delete_tenants")
def test_async_orm_with_interleaved_tenants():
    acme = Customer.objects.create(name="acme")
    globex = Customer.objects.create(name="globex")

    async def scenario():
        AcmeProduct, GlobexProduct = Product.for_tenant(acme), Product.for_tenant(globex)
        await AcmeProduct.objects.acreate(name="anvil")
        await GlobexProduct.objects.acreate(name="widget")

        async def names(model):
            return [p.name async for p in model.objects.all()]

        acme_names, globex_names = await asyncio.gather(names(AcmeProduct), names(GlobexProduct))
        anvil = await AcmeProduct.objects.aget(name="anvil")
        missing = await GlobexProduct.objects.filter(name="anvil").aexists()
        await sync_to_async(close_connection)()  # the ORM's worker thread opened its own connection
        return acme_names, globex_names, anvil, missing

    acme_names, globex_names, anvil, missing = asyncio.run(scenario())
    assert acme_names == ["anvil"] and globex_names == ["widget"]
    assert isinstance(anvil, Product.for_tenant(acme)) and missing is False
