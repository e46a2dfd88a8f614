"""Django REST framework (tenancy.contrib.rest_framework): an API declared once on the declared
tenant models (tests/web/api.py) serves each request from its tenant's rows, and only those."""

import gc
import weakref
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ImproperlyConfigured
from rest_framework.test import APIClient

from tenancy.testing import TenantAPIClient
from tests.members.models import Membership
from tests.shop.models import Customer, Order, Product, Tag
from tests.utils import routing
from tests.web.api import OrderSerializer, ProductSerializer


@pytest.fixture(autouse=True)
def routed(settings):
    settings.REST_FRAMEWORK = {"DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]}
    with routing(settings, ROOT_URLCONF="tests.web.api", TENANCY_URLCONF="tests.web.api"):
        yield


@pytest.fixture
def shops(db, user):
    acme, globex = Customer.objects.create(name="acme"), Customer.objects.create(name="globex")
    for name, price in [("rocket", 7), ("anvil", 5), ("hammer", 3)]:
        Product.for_tenant(acme).objects.create(name=name, price=price)
    widget = Product.for_tenant(globex).objects.create(name="widget", price=9)
    Order.for_tenant(globex).objects.create(product=widget, buyer=user, quantity=4)
    Tag.for_tenant(globex).objects.create(label="urgent")
    return acme, globex


def api(tenant=None) -> APIClient:
    return TenantAPIClient(tenant) if tenant else APIClient(headers={"host": "example.com"})


def test_a_list_is_the_tenants_rows_searched_ordered_and_paged(shops):
    acme, globex = shops
    page = api(acme).get("/products/").json()
    assert page["count"] == 3 and [p["name"] for p in page["results"]] == ["anvil", "hammer"]
    assert [p["name"] for p in api(acme).get("/products/?page=2").json()["results"]] == ["rocket"]
    assert [p["name"] for p in api(acme).get("/products/?search=ock").json()["results"]] == ["rocket"]
    assert [p["name"] for p in api(acme).get("/products/?ordering=-price").json()["results"]] == ["rocket", "anvil"]
    assert [p["name"] for p in api(globex).get("/products/").json()["results"]] == ["widget"]


def test_hyperlinks_stay_in_the_tenant(shops):
    acme, _ = shops
    anvil = Product.for_tenant(acme).objects.get(name="anvil")
    listed = api(acme).get("/linked-products/").json()
    assert {"url": f"http://acme.example.com/products/{anvil.pk}/", "name": "anvil"} in listed


def test_another_tenants_primary_key_is_a_404(shops):
    acme, globex = shops
    other = Product.for_tenant(globex).objects.create(pk=2000, name="magnet")  # a pk acme has no product with
    client = api(acme)
    assert client.get(f"/products/{other.pk}/").status_code == 404
    assert client.patch(f"/products/{other.pk}/", {"name": "stolen"}, format="json").status_code == 404
    assert client.delete(f"/products/{other.pk}/").status_code == 404
    assert Product.for_tenant(globex).objects.get(pk=other.pk).name == "magnet"


def test_create_accepts_only_the_tenants_related_rows(shops, user):
    acme, globex = shops
    anvil = Product.for_tenant(acme).objects.get(name="anvil")
    magnet = Product.for_tenant(globex).objects.create(pk=2000, name="magnet")  # pks acme has no rows with
    fragile = Tag.for_tenant(globex).objects.create(pk=2000, label="fragile")
    client = api(acme)
    refused = client.post("/orders/", {"product": magnet.pk, "buyer": user.pk, "quantity": 1}, format="json")
    assert refused.status_code == 400 and "Invalid pk" in refused.json()["product"][0]
    refused = client.post("/orders/", {"product": anvil.pk, "buyer": user.pk, "tags": [fragile.pk]}, format="json")
    assert refused.status_code == 400 and "Invalid pk" in refused.json()["tags"][0]
    assert not Order.for_tenant(acme).objects.exists()
    created = client.post("/orders/", {"product": anvil.pk, "buyer": user.pk, "quantity": 2}, format="json")
    assert created.status_code == 201, created.json()
    order = Order.for_tenant(acme).objects.get()
    assert created.json() == {
        "id": order.pk,
        "product": anvil.pk,
        "product_detail": {"id": anvil.pk, "name": "anvil", "price": "5.00"},  # nested: acme's anvil
        "quantity": 2,
        "buyer": user.pk,  # a global model: any user
        "tags": [],
    }
    assert Order.for_tenant(globex).objects.count() == 1
    saw = Product.for_tenant(acme).objects.create(pk=1000, name="saw")  # a pk globex has no product with
    refused = api(globex).post("/orders/", {"product": saw.pk, "buyer": user.pk}, format="json")
    assert refused.status_code == 400 and "Invalid pk" in refused.json()["product"][0]


def test_unique_fields_are_checked_in_the_tenants_table(shops):
    acme, globex = shops
    assert api(acme).post("/tags/", {"label": "urgent"}, format="json").status_code == 201  # globex has one
    refused = api(acme).post("/tags/", {"label": "urgent"}, format="json")
    assert refused.status_code == 400 and "already exists" in refused.json()["label"][0]
    assert api(globex).post("/tags/", {"label": "urgent"}, format="json").status_code == 400
    assert Tag.for_tenant(acme).objects.count() == Tag.for_tenant(globex).objects.count() == 1


def test_a_declared_related_field_takes_the_tenants_rows(shops, user):
    acme, _ = shops
    anvil = Product.for_tenant(acme).objects.get(name="anvil")
    Tag.for_tenant(acme).objects.create(label="fragile")
    client = api(acme)
    data = {"product": anvil.pk, "buyer": user.pk, "tags": ["urgent"]}  # globex's label
    refused = client.post("/labelled-orders/", data, format="json")
    assert refused.status_code == 400 and "does not exist" in refused.json()["tags"][0]
    created = client.post("/labelled-orders/", {**data, "tags": ["fragile"]}, format="json")
    assert created.status_code == 201 and created.json()["tags"] == ["fragile"]
    assert [tag.label for tag in Order.for_tenant(acme).objects.get().tags.all()] == ["fragile"]


def test_the_browsable_api_offers_the_tenants_rows(shops, settings, user):
    # REST framework's HTML pages (with their forms and django-filter's) work on the tenant's classes.
    import django_filters
    import rest_framework

    templates = [Path(package.__file__).parent / "templates" for package in (rest_framework, django_filters)]
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": templates,  # and its tags, as if rest_framework were an installed app
            "OPTIONS": {"libraries": {"rest_framework": "rest_framework.templatetags.rest_framework"}},
        }
    ]
    settings.REST_FRAMEWORK = {
        "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.BrowsableAPIRenderer"],
        "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    }
    acme, _ = shops
    client = api(acme)
    client.force_authenticate(user)
    for page in ("/orders/", "/products/", "/labelled-orders/", "/tags/"):
        response = client.get(page, headers={"accept": "text/html"})
        assert response.status_code == 200 and response["content-type"].startswith("text/html")
    html = client.get("/orders/", headers={"accept": "text/html"}).content.decode()
    assert ">anvil<" in html and ">widget<" not in html  # the form's and the filter's product choices


def test_the_public_site_has_no_tenant_api(shops):
    assert api().get("/products/").status_code == 404
    assert api().post("/tags/", {"label": "x"}, format="json").status_code == 404


def test_serializers_outside_views(shops, user):
    acme, globex = shops
    widget = Product.for_tenant(globex).objects.get()
    order = Order.for_tenant(globex).objects.get()
    assert OrderSerializer(order).data["product_detail"]["name"] == "widget"  # the instance's tenant
    listed = ProductSerializer(Product.for_tenant(acme).objects.order_by("name"), many=True).data
    assert [p["name"] for p in listed] == ["anvil", "hammer", "rocket"]
    created = ProductSerializer(data={"name": "drill", "price": "4.00"}, tenant=globex)
    assert created.is_valid(), created.errors
    assert created.save().pk in Product.for_tenant(globex).objects.values_list("pk", flat=True)
    assert OrderSerializer(data={"product": widget.pk, "buyer": user.pk}, tenant=globex).is_valid()
    with pytest.raises(ImproperlyConfigured, match="has no tenant"):
        ProductSerializer(data={"name": "drill"}).is_valid()
    with pytest.raises(ValueError, match="ProductSerializer of acme was given a row of globex"):
        ProductSerializer(widget, tenant=acme).data  # noqa: B018 (builds its fields)


def test_members_only_with_the_tenants_permissions(shops):
    acme, globex = shops
    bob = User.objects.create_user("member", password="secret")
    Membership.objects.create(tenant=acme, user=bob)
    client = api(acme)
    assert client.get("/members/products/").status_code in (401, 403)  # anonymous
    client.force_authenticate(bob)
    assert client.get("/members/products/").status_code == 200  # a member may read
    drill = {"name": "drill", "price": "4.00"}
    assert client.post("/members/products/", drill, format="json").status_code == 403  # not add without permission
    add = Permission.objects.get(content_type__app_label=f"{acme.db_schema}:shop", codename="add_product")
    bob.user_permissions.add(add)  # acme's permission, not globex's
    client.force_authenticate(User.objects.get(pk=bob.pk))  # (without the permissions bob cached)
    assert client.post("/members/products/", drill, format="json").status_code == 201
    at_globex = api(globex)
    at_globex.force_authenticate(User.objects.get(pk=bob.pk))
    assert at_globex.get("/members/products/").status_code == 403  # not globex's member
    Membership.objects.create(tenant=globex, user=bob)
    assert at_globex.post("/members/products/", drill, format="json").status_code == 403  # acme's permission only


def test_bound_serializers_go_with_their_tenants_classes(shops):
    from tenancy.registry import cache

    acme, _ = shops
    serializer = ProductSerializer(data={}, tenant=acme)
    serializer.fields  # noqa: B018 (binds it)
    meta = weakref.ref(serializer.Meta)
    assert serializer.Meta.model is Product.for_tenant(acme)
    del serializer
    cache.clear()
    acme.__dict__.pop("_tenancy_classes", None)
    gc.collect()
    assert meta() is None
