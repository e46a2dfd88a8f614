"""django-filter (tenancy.contrib.django_filters): a FilterSet declared on the declared tenant model
filters a tenant's rows, and its choices are the tenant's rows only."""

import gc
import weakref

import pytest
from django.test import RequestFactory
from rest_framework.test import APIClient

from tests.shop.models import Customer, Order, Product, Tag
from tests.utils import routing
from tests.web.api import OrderFilter


@pytest.fixture
def shops(db, user):
    acme, globex = Customer.objects.create(name="acme"), Customer.objects.create(name="globex")
    anvil, rocket = (Product.for_tenant(acme).objects.create(name=name) for name in ("anvil", "rocket"))
    red = Tag.for_tenant(acme).objects.create(label="red")
    for product, quantity in ((anvil, 1), (anvil, 5), (rocket, 3)):
        order = Order.for_tenant(acme).objects.create(product=product, buyer=user, quantity=quantity)
        if quantity == 5:
            order.tags.add(red)
    Product.for_tenant(globex).objects.create(pk=2000, name="widget")  # a pk acme has no product with
    return acme, globex


def quantities(filterset) -> list[int]:
    return sorted(order.quantity for order in filterset.qs)


def test_the_queryset_names_the_tenant(shops):
    acme, _ = shops
    anvil = Product.for_tenant(acme).objects.get(name="anvil")
    orders = Order.for_tenant(acme).objects.all()
    assert quantities(OrderFilter({"product": anvil.pk}, queryset=orders)) == [1, 5]
    assert quantities(OrderFilter({"product": anvil.pk, "quantity__gte": 2}, queryset=orders)) == [5]
    red = Tag.for_tenant(acme).objects.get()
    assert quantities(OrderFilter({"tags": [red.pk]}, queryset=orders)) == [5]
    assert type(OrderFilter(queryset=orders)) is OrderFilter.for_tenant(acme)


def test_another_tenants_row_is_not_a_valid_choice(shops):
    acme, _ = shops
    filterset = OrderFilter({"product": 2000}, tenant=acme)  # globex's widget
    assert not filterset.is_valid()
    assert "Select a valid choice" in filterset.errors["product"][0]
    choices = filterset.form.fields["product"].queryset
    assert choices.model is Product.for_tenant(acme)
    assert sorted(choices.values_list("name", flat=True)) == ["anvil", "rocket"]


def test_the_tenant_from_tenant_or_request_and_none_without(shops):
    acme, globex = shops
    assert quantities(OrderFilter({}, tenant=acme)) == [1, 3, 5]
    request = RequestFactory().get("/")
    request.tenant = globex
    assert quantities(OrderFilter({}, request=request)) == []
    with pytest.raises(TypeError, match="filters the tenant model Order"):
        OrderFilter({})
    with pytest.raises(ValueError, match="not Order of this filter set's tenant"):
        OrderFilter({}, queryset=Order.for_tenant(globex).objects.all(), tenant=acme)


def test_rest_framework_filter_backend(shops, settings):
    acme, globex = shops
    anvil = Product.for_tenant(acme).objects.get(name="anvil")
    settings.REST_FRAMEWORK = {"DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]}
    with routing(settings, ROOT_URLCONF="tests.web.api", TENANCY_URLCONF="tests.web.api"):
        client = APIClient(headers={"host": "acme.example.com"})
        assert sorted(o["quantity"] for o in client.get(f"/orders/?product={anvil.pk}").json()) == [1, 5]
        assert client.get("/orders/?product=2000").status_code == 400  # globex's product
        assert [t["label"] for t in client.get("/tags/?label=red").json()] == ["red"]  # filterset_fields
        at_globex = APIClient(headers={"host": "globex.example.com"})
        assert at_globex.get("/tags/?label=red").json() == []


def test_bound_filter_sets_go_with_their_tenants_classes(shops):
    from tenancy.registry import cache

    acme, _ = shops
    bound = weakref.ref(OrderFilter.for_tenant(acme))
    assert bound() is OrderFilter.for_tenant(acme)  # made once
    cache.clear()
    acme.__dict__.pop("_tenancy_classes", None)
    gc.collect()
    assert bound() is None
