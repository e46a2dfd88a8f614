"""TenantMiddleware: the tenant of a request by subdomain, path prefix or header, sync and async."""

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test import AsyncClient, Client
from django.test.utils import CaptureQueriesContext

from tenancy.lookup import lookup
from tests.shop.models import Customer, Product
from tests.utils import routing


@pytest.fixture(autouse=True)
def routed(settings):
    with routing(settings):
        yield


@pytest.fixture
def shops(db):
    acme, globex = Customer.objects.create(name="acme"), Customer.objects.create(name="globex")
    Product.for_tenant(acme).objects.create(name="anvil")
    return acme, globex


def test_subdomain_routes_to_the_tenant_and_its_urlconf(shops):
    response = Client().get("/products/", headers={"host": "acme.example.com"})
    assert response.content == b"acme: 1 products; link /products/"
    response = Client().get("/products/", headers={"host": "globex.example.com"})
    assert response.content == b"globex: 0 products; link /products/"


def test_public_hosts_pass_through_without_a_tenant(shops):
    for host in ("example.com", "www.example.com", "other.org.example.com"):
        response = Client().get("/", headers={"host": host})
        assert response.content == b"public site, tenant None", host
    # The public URLconf has no tenant pages.
    assert Client().get("/products/", headers={"host": "example.com"}).status_code == 404


def test_an_unknown_tenant_is_a_404_never_another_site(shops):
    assert Client().get("/products/", headers={"host": "nobody.example.com"}).status_code == 404
    assert Client().get("/", headers={"host": "nobody.example.com"}).status_code == 404


def test_path_prefix_routes_and_reverse_stays_inside_the_tenant(settings, shops):
    settings.TENANCY_ROUTING = "path"
    response = Client().get("/t/acme/products/", headers={"host": "example.com"})
    assert response.content == b"acme: 1 products; link /t/acme/products/"
    assert Client().get("/t/nobody/products/", headers={"host": "example.com"}).status_code == 404
    assert Client().get("/", headers={"host": "example.com"}).content == b"public site, tenant None"


def test_header_routes(settings, shops):
    settings.TENANCY_ROUTING = "header"
    response = Client().get("/products/", headers={"host": "example.com", "x-tenant": "globex"})
    assert response.content == b"globex: 0 products; link /products/"
    assert Client().get("/", headers={"host": "example.com"}).content == b"public site, tenant None"


@pytest.mark.django_db(transaction=True)
def test_async_stack(settings, delete_tenants):
    settings.TENANCY_ROUTING = "header"  # the async test client cannot replace its Host header
    acme = Customer.objects.create(name="acme")
    Product.for_tenant(acme).objects.create(name="anvil")

    async def requests():
        client = AsyncClient()
        found = await client.get("/async/", headers={"x-tenant": "acme"})
        missing = await client.get("/async/", headers={"x-tenant": "nobody"})
        return found, missing

    found, missing = async_to_sync(requests)()
    assert found.content == b"acme: 1 products (async)"
    assert missing.status_code == 404


def test_a_known_tenant_costs_no_query_and_a_new_one_one(shops):
    with CaptureQueriesContext(connection) as first:
        Client().get("/hello/", headers={"host": "acme.example.com"})
    with CaptureQueriesContext(connection) as second:
        response = Client().get("/hello/", headers={"host": "acme.example.com"})
    assert response.content == b"hello acme"
    assert len(first.captured_queries) == 1 and "shop_customer" in first.captured_queries[0]["sql"]
    assert second.captured_queries == []


def test_a_hosts_remembered_route_follows_the_settings(settings, shops):
    # tenancy.routing remembers the route of each host it has seen: a change of the settings is
    # seen at once all the same.
    client = Client()
    assert client.get("/", headers={"host": "acme.example.com"}).status_code == 404  # acme has no home page
    settings.TENANCY_STATIC_SITES = {"acme": "tests.web.static_urls"}
    response = client.get("/", headers={"host": "acme.example.com"})
    assert response.content == b"static site acme at /, tenant None"
    settings.TENANCY_STATIC_SITES = {}
    settings.TENANCY_BASE_DOMAIN = "acme.example.com"
    assert client.get("/", headers={"host": "acme.example.com"}).content == b"public site, tenant None"


def test_a_host_outside_allowed_hosts_is_refused_even_after_allowed_ones(settings, shops):
    # The middleware remembers the Host headers ALLOWED_HOSTS accepted; any other is still checked.
    client = Client()
    assert client.get("/hello/", headers={"host": "acme.example.com"}).content == b"hello acme"
    settings.ALLOWED_HOSTS = ["globex.example.com"]
    assert client.get("/hello/", headers={"host": "acme.example.com"}).status_code == 400  # forgotten
    assert client.get("/hello/", headers={"host": "globex.example.com"}).content == b"hello globex"
    assert client.get("/hello/", headers={"host": "globex.example.com:8000"}).content == b"hello globex"
    assert client.get("/hello/", headers={"host": "globex.example.com"}).content == b"hello globex"  # remembered
    assert client.get("/hello/", headers={"host": "acme.example.com"}).status_code == 400
    assert client.get("/hello/", headers={"host": "globex.example.com/x"}).status_code == 400
    allowed = settings.ALLOWED_HOSTS = ["acme.example.com", "globex.example.com"]
    assert client.get("/hello/", headers={"host": "acme.example.com"}).content == b"hello acme"
    allowed.remove("acme.example.com")  # in place, as a test runner may
    assert client.get("/hello/", headers={"host": "acme.example.com"}).status_code == 400


def test_allowed_hosts_computed_by_an_object_are_read_every_time(settings, shops):
    class AllowedHosts:  # like a project's object reading its hosts from the database
        hosts = ["acme.example.com"]

        def __iter__(self):
            return iter(self.hosts)

    allowed = settings.ALLOWED_HOSTS = AllowedHosts()
    client = Client()
    assert client.get("/hello/", headers={"host": "acme.example.com"}).content == b"hello acme"
    allowed.hosts = ["globex.example.com"]  # no setting changes: only reading the object again sees it
    assert client.get("/hello/", headers={"host": "acme.example.com"}).status_code == 400
    assert client.get("/hello/", headers={"host": "globex.example.com"}).content == b"hello globex"


def test_x_forwarded_host_is_checked_and_remembered_apart(settings, shops):
    settings.USE_X_FORWARDED_HOST = True
    settings.ALLOWED_HOSTS = [".example.com"]
    client = Client()
    proxied = {"host": "proxy.internal", "x-forwarded-host": "acme.example.com"}
    assert client.get("/hello/", headers=proxied).content == b"hello acme"
    assert client.get("/hello/", headers=proxied).content == b"hello acme"
    forged = {"host": "proxy.internal", "x-forwarded-host": "acme.evil.org"}
    assert client.get("/hello/", headers=forged).status_code == 400
    settings.USE_X_FORWARDED_HOST = False  # now the Host header counts, and ALLOWED_HOSTS refuses it
    assert client.get("/hello/", headers=proxied).status_code == 400


def test_without_database_routers_tenants_are_found_in_the_default_database(settings, shops):
    settings.DATABASE_ROUTERS = []
    assert Client().get("/hello/", headers={"host": "acme.example.com"}).content == b"hello acme"


class TenantsInOtherDatabase:
    def db_for_read(self, model, **hints):
        return "other" if model is Customer else None


@pytest.mark.django_db(databases=["default", "other"])
def test_tenants_are_found_in_the_database_the_routers_choose(settings):
    Customer.objects.using("other").create(name="initech")  # in "other" only
    assert Client().get("/hello/", headers={"host": "initech.example.com"}).status_code == 404
    settings.DATABASE_ROUTERS = [f"{__name__}.TenantsInOtherDatabase", "tenancy.routers.TenantRouter"]
    lookup.clear()
    assert Client().get("/hello/", headers={"host": "initech.example.com"}).content == b"hello initech"


def test_deleting_or_renaming_a_tenant_is_seen_at_once(shops):
    acme, globex = shops
    client = Client()
    assert client.get("/hello/", headers={"host": "globex.example.com"}).status_code == 200
    globex.delete()
    assert client.get("/hello/", headers={"host": "globex.example.com"}).status_code == 404
    # An unknown key remembered as such is forgotten when a tenant is created.
    assert client.get("/hello/", headers={"host": "initech.example.com"}).status_code == 404
    Customer.objects.create(name="initech")
    assert client.get("/hello/", headers={"host": "initech.example.com"}).content == b"hello initech"


def test_the_opt_in_current_tenant_is_set_during_the_request_only(settings, shops):
    from tenancy.context import current_tenant

    assert Client().get("/current/", headers={"host": "acme.example.com"}).content == b"current None"
    settings.TENANCY_CURRENT_TENANT = True
    assert Client().get("/current/", headers={"host": "acme.example.com"}).content == b"current acme"
    assert current_tenant() is None


@pytest.mark.django_db(transaction=True)
def test_concurrent_async_requests_each_see_their_own_current_tenant(settings, delete_tenants):
    import asyncio

    settings.TENANCY_ROUTING, settings.TENANCY_CURRENT_TENANT = "header", True
    for name in ("acme", "globex"):
        Customer.objects.create(name=name)

    async def requests():
        client = AsyncClient()
        keys = ["acme", "globex"] * 5
        return keys, await asyncio.gather(*(client.get("/async-current/", headers={"x-tenant": k}) for k in keys))

    keys, responses = async_to_sync(requests)()
    assert [r.content.decode() for r in responses] == [f"current {key}" for key in keys]


@pytest.mark.django_db(transaction=True)
def test_concurrent_threads_each_see_their_own_current_tenant(settings, delete_tenants):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    settings.TENANCY_CURRENT_TENANT = True
    for name in ("acme", "globex", "initech"):
        Customer.objects.create(name=name)

    def current_of(key):
        try:
            return Client().get("/slow-current/", headers={"host": f"{key}.example.com"}).content.decode()
        finally:
            connections.close_all()

    keys = ["acme", "globex", "initech"] * 8
    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(current_of, keys))
    assert answers == [f"current {key}" for key in keys]


def test_tenants_made_or_changed_in_bulk_are_seen_at_once(shops):
    client = Client()
    assert client.get("/hello/", headers={"host": "initech.example.com"}).status_code == 404  # remembered
    Customer.objects.bulk_create([Customer(name="initech")])
    assert client.get("/hello/", headers={"host": "initech.example.com"}).content == b"hello initech"
    assert client.get("/hello/", headers={"host": "hooli.example.com"}).status_code == 404
    Customer.objects.bulk_create([Customer(name="hooli")])
    assert client.get("/hello/", headers={"host": "hooli.example.com"}).content == b"hello hooli"
