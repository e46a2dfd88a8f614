"""Tenant classes are cached, bounded, and garbage once their tenant is gone."""

import gc
import weakref

import pytest
from django.db.models.base import ModelBase

from tenancy.registry import cache
from tests.shop.models import Customer, Order, Product


def class_refs(tenant):
    """Weak references to every class of the tenant, auto-created M2M through models included."""
    classes = set(tenant.models)
    for model in tenant.models:
        classes |= {f.remote_field.through for f in model._meta.local_many_to_many}
    return [weakref.ref(model) for model in classes]


def live_tenant_classes(tenants):
    """The classes of ``tenants`` that are still alive."""
    # By schema, not by primary key: on SQLite, a rolled-back test's tenants had the same keys.
    schemas = {tenant.db_schema for tenant in tenants}
    # type(o), not isinstance(o, ...): isinstance() would make lazy objects set themselves up.
    return [
        o
        for o in gc.get_objects()
        if issubclass(type(o), ModelBase) and getattr(o.__dict__.get("_tenancy_tenant"), "db_schema", None) in schemas
    ]


def test_classes_are_built_lazily(acme):
    cache.clear()
    assert not cache.entries
    Product.for_tenant(acme)
    assert list(cache.entries) == [("default", "tenant_acme")]


def test_deleted_tenants_classes_are_garbage_collected(acme, user, group, django_capture_on_commit_callbacks):
    models = acme.models
    product = models[Product].objects.create(name="pen")
    order = models[Order].objects.create(product=product, buyer=user)
    order.groups.add(group)
    list(models[Order].objects.select_related("buyer", "product").prefetch_related("groups", "tags"))
    refs = class_refs(acme)
    assert len(refs) == 16  # 13 models and 3 auto-created M2M models
    del models, product, order
    with django_capture_on_commit_callbacks(execute=True):
        acme.delete()
    del acme
    gc.collect()
    assert [ref() for ref in refs if ref() is not None] == []


def test_cache_is_bounded_and_evicted_classes_keep_working(db, settings):
    settings.TENANCY_CACHE_SIZE = 3
    tenants = [Customer.objects.create(name=f"t{i}") for i in range(8)]
    early = Product.for_tenant(tenants[0])
    early.objects.create(name="kept")
    for tenant in tenants:
        Product.for_tenant(tenant)
    assert len(cache.entries) == 3
    assert ("default", "tenant_t0") not in cache.entries
    # A class obtained before its eviction still works...
    assert [p.name for p in early.objects.all()] == ["kept"]
    # ...and the tenant gets working classes again, transparently.
    rebuilt = Product.for_tenant(tenants[0])
    assert rebuilt is not early
    assert [p.name for p in rebuilt.objects.all()] == ["kept"]
    assert len(cache.entries) == 3


def test_models_mapping_kept_across_an_eviction_still_answers(db, settings):
    settings.TENANCY_CACHE_SIZE = 1
    first, second = Customer.objects.create(name="t1"), Customer.objects.create(name="t2")
    kept = first.models
    second.models  # evicts first's entry  # noqa: B018
    assert len(kept) == 13
    assert {model._tenancy_declared for model in kept} == {model._tenancy_declared for model in second.models}
    assert kept[Product]._meta.db_table == Product.for_tenant(first)._meta.db_table


def test_evicted_classes_are_garbage_once_unreferenced(db, settings):
    settings.TENANCY_CACHE_SIZE = 2
    tenants = [Customer.objects.create(name=f"t{i}") for i in range(5)]
    refs = class_refs(tenants[0])
    for tenant in tenants[1:]:
        Product.for_tenant(tenant)
    gc.collect()
    # tenants[0] is still alive and remembers its released entry, which no longer holds classes.
    assert [ref() for ref in refs if ref() is not None] == []
    assert Product.for_tenant(tenants[0]).objects.count() == 0


def test_touching_many_tenants_keeps_the_cache_bounded(db, settings):
    settings.TENANCY_CACHE_SIZE = 10
    tenants = [Customer.objects.create(name=f"t{i}") for i in range(60)]
    for tenant in tenants:
        Product.for_tenant(tenant).objects.exists()
    assert len(cache.entries) == 10
    gc.collect()
    # Live classes: the cached tenants' 12 models each (auto-created M2M models carry no tenant).
    assert len(live_tenant_classes(tenants)) == 10 * 13


@pytest.mark.parametrize("size", [1, 5])
def test_same_class_while_cached(db, settings, size):
    settings.TENANCY_CACHE_SIZE = size
    tenant = Customer.objects.create(name="acme")
    assert Product.for_tenant(tenant) is Product.for_tenant(tenant) is tenant.models[Product]


def test_building_classes_runs_no_query(acme):
    """So that for_tenant() may be called from async code, whatever the cache holds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cache.clear()
    reloaded = Customer.objects.get(pk=acme.pk)
    with CaptureQueriesContext(connection) as queries:
        Product.for_tenant(reloaded)
        Product.for_tenant(Customer(pk=acme.pk, name="acme"))  # another instance, same tenant
        reloaded.models[Order]  # noqa: B018
    assert queries.captured_queries == []


def test_deleted_tenants_record_is_bounded():
    from tenancy.registry import DeletedTenants

    record = DeletedTenants(size=3)
    for pk in range(5):
        record.add(("default", "tenant_x", pk))
    assert len(record) == 3
    assert ("default", "tenant_x", 0) not in record and ("default", "tenant_x", 4) in record
    record.discard(("default", "tenant_x", 4))
    assert ("default", "tenant_x", 4) not in record and len(record) == 2
