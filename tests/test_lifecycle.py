"""Creating a tenant provisions its schema in the caller's transaction; deleting one drops it."""

import pytest
from django.db import connection, transaction

from tenancy import signals
from tenancy.exceptions import TenantDeleted
from tests.shop.models import Customer, Order, Product
from tests.utils import recorded_signals, schema_exists, tables

transactional_ddl = pytest.mark.skipif(
    "not connection.features.can_rollback_ddl", reason="this backend cannot roll DDL back"
)
# shop: 9 models (one with a custom db_table; a proxy has none) and 2 auto-created M2M tables;
# evolve: 2 models.
TENANT_TABLES = 15


def test_create_provisions_schema_and_every_table(db):
    Customer.objects.create(name="acme")
    assert schema_exists("tenant_acme")
    assert len(tables("tenant_acme")) == TENANT_TABLES


def test_save_and_get_or_create(db):
    customer = Customer(name="acme")
    customer.save()
    assert len(tables("tenant_acme")) == TENANT_TABLES
    again, created = Customer.objects.get_or_create(name="acme")
    assert (again, created) == (customer, False)
    other, created = Customer.objects.get_or_create(name="globex")
    assert created and len(tables("tenant_globex")) == TENANT_TABLES


def test_saving_an_existing_tenant_touches_no_schema(acme):
    before = tables()
    acme.save()
    assert tables() == before


@transactional_ddl
def test_rolled_back_creation_leaves_nothing(db):
    with pytest.raises(RuntimeError), transaction.atomic():
        Customer.objects.create(name="acme")
        assert schema_exists("tenant_acme")
        raise RuntimeError("the caller changes its mind")
    assert not schema_exists("tenant_acme")
    assert tables() == set()
    assert not Customer.objects.exists()


def test_failing_receiver_leaves_nothing(db):
    def explode(sender, tenant, **kwargs):
        raise RuntimeError("receiver failed")

    signals.post_models_creation.connect(explode)
    try:
        with pytest.raises(RuntimeError, match="receiver failed"):
            Customer.objects.create(name="acme")
    finally:
        signals.post_models_creation.disconnect(explode)
    assert not schema_exists("tenant_acme") and tables() == set()
    assert not Customer.objects.exists()


def test_failed_creation_resets_the_instance(db):
    customer = Customer(name="ac'me")
    with pytest.raises(Exception):  # noqa: B017  (the error itself is tested in test_errors)
        customer.save()
    assert customer.pk is None and customer._state.adding
    customer.name = "acme"
    customer.save()
    assert schema_exists("tenant_acme")


def test_delete_drops_the_schema(acme, globex):
    acme.delete()
    assert not schema_exists("tenant_acme")
    assert tables("tenant_acme") == set()
    assert len(tables("tenant_globex")) == TENANT_TABLES


def test_queryset_delete_drops_every_schema(acme, globex):
    Customer.objects.create(name="initech")
    Customer.objects.filter(name__in=["acme", "globex"]).delete()
    assert tables("tenant_acme") == tables("tenant_globex") == set()
    assert len(tables("tenant_initech")) == TENANT_TABLES


@transactional_ddl
def test_rolled_back_deletion_keeps_the_schema(acme):
    Product.for_tenant(acme).objects.create(name="pen")
    with pytest.raises(RuntimeError), transaction.atomic():
        acme.delete()
        raise RuntimeError
    assert [p.name for p in Product.for_tenant(Customer.objects.get(name="acme")).objects.all()] == ["pen"]


def test_classes_of_a_deleted_tenant_refuse_queries(acme, django_capture_on_commit_callbacks):
    AcmeOrder, AcmeProduct = Order.for_tenant(acme), Product.for_tenant(acme)
    with django_capture_on_commit_callbacks(execute=True):
        acme.delete()
    with pytest.raises(TenantDeleted, match="has been deleted"):
        AcmeProduct.objects.count()
    with pytest.raises(TenantDeleted):
        AcmeOrder.objects.create(product_id=1, buyer_id=1)
    with pytest.raises(TenantDeleted):
        AcmeProduct(name="x").save()


def test_a_new_tenant_of_the_same_name_gets_fresh_classes(acme, django_capture_on_commit_callbacks):
    old = Product.for_tenant(acme)
    with django_capture_on_commit_callbacks(execute=True):
        acme.delete()
    reborn = Customer.objects.create(name="acme")
    assert Product.for_tenant(reborn) is not old
    assert Product.for_tenant(reborn).objects.count() == 0


def test_bulk_create_provisions_each_tenant(db):
    if not connection.features.can_return_rows_from_bulk_insert:
        pytest.skip("this backend does not return primary keys from a bulk insert")
    Customer.objects.bulk_create([Customer(name="a1"), Customer(name="a2")])
    assert len(tables("tenant_a1")) == len(tables("tenant_a2")) == TENANT_TABLES
    assert Product.for_tenant(Customer.objects.get(name="a2")).objects.count() == 0


def test_signals_are_sent_in_order_with_their_arguments(db, django_capture_on_commit_callbacks):
    names = [
        "pre_schema_creation",
        "post_schema_creation",
        "pre_models_creation",
        "post_models_creation",
        "pre_schema_deletion",
        "post_schema_deletion",
    ]

    with recorded_signals(names, "tenant_acme") as received:
        with django_capture_on_commit_callbacks(execute=True):
            tenant = Customer.objects.create(name="acme")
            tenant.delete()
    uses_schemas = connection.vendor == "postgresql"
    assert [r[0] for r in received] == names
    assert all(r[1] is Customer and r[2] == "acme" and r[3] == "default" for r in received)
    exists = [r[4] for r in received]
    # The schema exists from post_schema_creation (PostgreSQL) or once tables exist (prefix backends)
    # until post_schema_deletion.
    assert exists == [False, uses_schemas, uses_schemas, True, True, False]


def test_stale_instances_of_a_deleted_tenant(acme, django_capture_on_commit_callbacks):
    stale = Customer.objects.get(pk=acme.pk)  # loaded before the deletion, never told about it
    with django_capture_on_commit_callbacks(execute=True):
        acme.delete()
    with pytest.raises(TenantDeleted, match="has been deleted"):
        Product.for_tenant(stale)
    with pytest.raises(TenantDeleted, match="has been deleted"):
        Product.for_tenant(acme)  # the deleted instance itself (its pk is None now)


def test_model_signals_of_a_declared_model(acme, globex):
    from django.db.models.signals import post_save

    saved = []

    def record(sender, instance, created, **kwargs):
        saved.append((sender._tenancy_tenant.name, instance.name, created))

    signals.connect_tenant_model_receiver(post_save, record, sender=Product)
    try:
        Product.for_tenant(acme).objects.create(name="pen")
        Product.for_tenant(globex).objects.create(name="ink")
        Order.for_tenant(acme)  # other models' saves are not reported
        from django.contrib.auth.models import User

        User.objects.create(username="not-a-product")
    finally:
        assert signals.disconnect_tenant_model_receiver(post_save, record, sender=Product)
    Product.for_tenant(acme).objects.create(name="after")
    assert saved == [("acme", "pen", True), ("globex", "ink", True)]
