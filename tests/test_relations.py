"""Relations between tenant models stay inside the tenant; relations to global models work forward."""

import pytest
from django.contrib.auth.models import Group, User
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.shop.models import Invoice, Order, Product, Stock, Tag, Warehouse


@pytest.fixture
def shop(acme, user):
    """acme's classes, with a product and an order."""
    models = acme.models
    product = models[Product].objects.create(name="pen")
    order = models[Order].objects.create(product=product, buyer=user)
    return models, product, order


def test_foreign_key_points_at_the_same_tenants_class(acme, globex, shop):
    models, product, order = shop
    field = models[Order]._meta.get_field("product")
    assert field.related_model is models[Product]
    assert Order.for_tenant(globex)._meta.get_field("product").related_model is Product.for_tenant(globex)
    assert type(models[Order].objects.get().product) is models[Product]
    assert list(product.orders.all()) == [order]


def test_filter_and_select_related_across_tenant_relation(shop):
    models, product, order = shop
    assert list(models[Order].objects.filter(product__name="pen")) == [order]
    with CaptureQueriesContext(connection) as ctx:
        fetched = models[Order].objects.select_related("product").get()
        assert fetched.product.name == "pen"
    assert len(ctx.captured_queries) == 1


def test_self_reference(shop, user):
    models, product, order = shop
    child = models[Order].objects.create(product=product, buyer=user, parent=order)
    assert child.parent == order
    assert list(order.children.all()) == [child]
    assert models[Order]._meta.get_field("parent").related_model is models[Order]


def test_one_to_one(shop):
    models, product, order = shop
    invoice = models[Invoice].objects.create(order=order, number="F-1")
    assert models[Order].objects.get().invoice == invoice
    assert models[Invoice].objects.get(order__product__name="pen") == invoice


def test_one_to_one_to_a_global_model(shop, user):
    models, product, order = shop
    invoice = models[Invoice].objects.create(order=order, number="F-1", approver=user)
    assert models[Invoice].objects.get(approver__username="bob") == invoice
    with CaptureQueriesContext(connection) as ctx:
        assert models[Invoice].objects.select_related("approver").get().approver == user
    assert len(ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:
        [fetched] = models[Invoice].objects.prefetch_related("approver")
        assert fetched.approver == user
    assert len(ctx.captured_queries) == 2


def test_auto_created_many_to_many(acme, globex, shop):
    models, product, order = shop
    red = models[Tag].objects.create(label="red")
    order.tags.add(red)
    assert list(models[Order].objects.filter(tags__label="red")) == [order]
    through = models[Order]._meta.get_field("tags").remote_field.through
    assert through._meta.db_table in ('"tenant_acme"."shop_order_tags"', "tenant_acme_shop_order_tags")
    assert through._meta.get_field("tag").related_model is models[Tag]
    assert Order.for_tenant(globex)._meta.get_field("tags").remote_field.through.objects.count() == 0


def test_explicit_through_model(acme):
    models = acme.models
    pen = models[Product].objects.create(name="pen")
    depot = models[Warehouse].objects.create(name="depot")
    models[Stock].objects.create(warehouse=depot, product=pen, quantity=3)
    assert list(depot.products.all()) == [pen]
    assert list(pen.warehouses.all()) == [depot]
    assert models[Warehouse]._meta.get_field("products").remote_field.through is models[Stock]


def test_foreign_key_to_a_global_model(shop, user):
    models, product, order = shop
    assert models[Order]._meta.get_field("buyer").related_model is User
    assert list(models[Order].objects.filter(buyer__username="bob")) == [order]
    with CaptureQueriesContext(connection) as ctx:
        fetched = models[Order].objects.select_related("buyer").get()
        assert fetched.buyer == user
    assert len(ctx.captured_queries) == 1
    with CaptureQueriesContext(connection) as ctx:
        [fetched] = models[Order].objects.prefetch_related("buyer")
        assert fetched.buyer == user
    assert len(ctx.captured_queries) == 2


def test_many_to_many_to_a_global_model(shop, group):
    models, product, order = shop
    order.groups.add(group, Group.objects.create(name="staff"))
    assert list(models[Order].objects.filter(groups__name="vip")) == [order]
    with CaptureQueriesContext(connection) as ctx:
        [fetched] = models[Order].objects.prefetch_related("groups")
        assert {g.name for g in fetched.groups.all()} == {"vip", "staff"}
    assert len(ctx.captured_queries) == 2
    assert [g.name for g in order.groups.filter(name__startswith="v")] == ["vip"]
    order.groups.remove(group)
    assert [g.name for g in order.groups.all()] == ["staff"]
    order.groups.clear()
    assert not order.groups.exists()


def test_many_to_many_to_a_global_model_is_per_tenant(acme, globex, user, group):
    orders = []
    for tenant in (acme, globex):
        product = Product.for_tenant(tenant).objects.create(name="pen")
        orders.append(Order.for_tenant(tenant).objects.create(product=product, buyer=user))
    orders[0].groups.add(group)
    assert [g.name for g in orders[0].groups.all()] == ["vip"]
    assert list(orders[1].groups.all()) == []
    assert list(Order.for_tenant(globex).objects.filter(groups=group)) == []
    [fetched] = Order.for_tenant(globex).objects.prefetch_related("groups")
    assert list(fetched.groups.all()) == []


def test_global_models_get_no_reverse_relation_to_tenant_classes(shop):
    models, product, order = shop
    related = {rel.related_model for rel in User._meta.related_objects} | {
        rel.related_model for rel in Group._meta.related_objects
    }
    assert not any(getattr(model, "_tenancy_tenant", None) for model in related)
    assert not any(name.startswith("_tenancy") for name in vars(User))


def test_deleting_a_referenced_global_row_is_refused_by_the_database(shop, user):
    """Tenant rows are invisible to Django's collector; the FK constraint refuses the dangling row."""
    pk = user.pk
    with pytest.raises(IntegrityError), transaction.atomic():
        user.delete()  # MySQL checks the constraint here; PostgreSQL and SQLite defer it to COMMIT,
        connection.check_constraints()  # which this does now
    assert User.objects.filter(pk=pk).exists()


def test_cascade_inside_the_tenant(shop, user):
    models, product, order = shop
    models[Invoice].objects.create(order=order, number="F-1")
    product.delete()
    assert models[Order].objects.count() == 0 and models[Invoice].objects.count() == 0
