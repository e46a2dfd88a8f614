"""Generic views with ``model = Order`` (the declared tenant model) serve request.tenant's rows only."""

import pytest
from django.test import Client

from tests.shop.models import Customer, Order, Product
from tests.utils import routing


@pytest.fixture(autouse=True)
def routed(settings):
    # The same views on the public site, where there is no tenant.
    with routing(settings, ROOT_URLCONF="tests.web.crud", TENANCY_URLCONF="tests.web.crud"):
        yield


@pytest.fixture
def shops(db, user):
    acme, globex = Customer.objects.create(name="acme"), Customer.objects.create(name="globex")
    anvil = Product.for_tenant(acme).objects.create(name="anvil")
    rocket = Product.for_tenant(globex).objects.create(name="rocket")
    Order.for_tenant(acme).objects.create(product=anvil, buyer=user, quantity=2)
    Order.for_tenant(globex).objects.create(product=rocket, buyer=user, quantity=5)
    return acme, globex


def at(tenant):
    return Client(headers={"host": f"{tenant.name}.example.com"})


def test_list_shows_the_tenants_rows_with_the_declared_models_template(shops):
    acme, globex = shops
    assert at(acme).get("/orders/").content.strip() == b"anvil x2;"
    assert at(globex).get("/orders/").content.strip() == b"rocket x5;"


def test_detail_of_another_tenants_row_is_a_404(shops):
    acme, globex = shops
    own = Order.for_tenant(acme).objects.get()
    first = Order.for_tenant(globex).objects.get()
    other = Order.for_tenant(globex).objects.create(product=first.product, buyer=first.buyer)
    assert other.pk != own.pk  # a key of globex's that acme has no row with
    response = at(acme).get(f"/orders/{own.pk}/")
    assert response.content.strip() == f"order {own.pk}: anvil x2".encode()
    assert "shop/order_detail.html" in [t.name for t in response.templates]
    assert at(acme).get(f"/orders/{other.pk}/").status_code == 404
    assert at(acme).get(f"/orders/{other.pk}/edit/").status_code == 404
    assert at(acme).post(f"/orders/{other.pk}/delete/").status_code == 404
    assert Order.for_tenant(globex).objects.count() == 2


def test_create_offers_and_accepts_only_the_tenants_products(shops, user):
    acme, globex = shops
    Product.for_tenant(globex).objects.create(name="magnet")
    anvil = Product.for_tenant(acme).objects.get()
    form = at(acme).get("/orders/new/").content.decode()
    assert form.strip().endswith("|---------,anvil,")
    rocket = Product.for_tenant(globex).objects.get(name="magnet")  # a pk acme has no product with
    response = at(acme).post("/orders/new/", {"product": rocket.pk, "quantity": 1, "buyer": user.pk})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    response = at(acme).post("/orders/new/", {"product": anvil.pk, "quantity": 7, "buyer": user.pk})
    assert response.status_code == 302 and response["Location"] == "/orders/"
    assert sorted(Order.for_tenant(acme).objects.values_list("quantity", flat=True)) == [2, 7]
    assert Order.for_tenant(globex).objects.count() == 1


def test_update_with_a_tenant_model_form(shops, user):
    acme, globex = shops
    order = Order.for_tenant(acme).objects.get()
    data = {"product": order.product_id, "quantity": 9, "buyer": user.pk}
    response = at(acme).post(f"/orders/{order.pk}/edit/", data)
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.quantity == 9
    assert Order.for_tenant(globex).objects.get().quantity == 5


def test_delete_removes_the_tenants_row_only(shops):
    acme, globex = shops
    order = Order.for_tenant(acme).objects.get()
    assert at(acme).get(f"/orders/{order.pk}/delete/").content.strip() == f"delete order {order.pk}?".encode()
    assert at(acme).post(f"/orders/{order.pk}/delete/").status_code == 302
    assert not Order.for_tenant(acme).objects.exists()
    assert Order.for_tenant(globex).objects.count() == 1


def test_path_routing_redirects_stay_inside_the_tenant(settings, shops, user):
    acme, _ = shops
    settings.TENANCY_ROUTING = "path"
    anvil = Product.for_tenant(acme).objects.get()
    response = Client().post("/t/acme/orders/new/", {"product": anvil.pk, "quantity": 1, "buyer": user.pk})
    assert response["Location"] == "/t/acme/orders/"


def test_the_public_site_has_no_tenant_pages(shops):
    response = Client(headers={"host": "example.com"}).get("/orders/")
    assert response.status_code == 404


def test_a_view_without_a_model_says_so(shops, rf):
    from django.core.exceptions import ImproperlyConfigured

    from tenancy.views import TenantListView

    request = rf.get("/")
    request.tenant = shops[0]
    with pytest.raises(ImproperlyConfigured, match="needs a model"):
        TenantListView.as_view()(request)
