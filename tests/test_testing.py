"""tenancy.testing: clients addressed to a tenant, TenantTestCase, factories and pytest fixtures."""

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test import override_settings

from tenancy.testing import AsyncTenantClient, TenantAPIClient, TenantClient, TenantTestCase, TenantTransactionTestCase
from tenancy.testing.factories import TenantFactory
from tests.shop.models import Customer, Order, Product
from tests.utils import ROUTED, routing, tables

from .factories import OrderFactory, ProductFactory

rolls_ddl_back = pytest.mark.skipif(
    not connection.features.can_rollback_ddl, reason="MySQL cannot roll a tenant back: TenantTransactionTestCase"
)


@pytest.fixture(autouse=True)
def routed(settings):
    with routing(settings):
        yield


# Clients -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("routing", ["subdomain", "path", "header", "domain"])
def test_the_client_reaches_its_tenant_by_every_routing(settings, acme, globex, routing):
    from tenancy.contrib.domains.models import Domain

    settings.TENANCY_ROUTING = routing
    Domain.objects.create(tenant=acme, domain="shop.acme.test")
    Domain.objects.create(tenant=globex, domain="globex.example.com")
    settings.ALLOWED_HOSTS = [".example.com", "shop.acme.test"]
    Product.for_tenant(acme).objects.create(name="anvil")
    link = "/t/acme/products/" if routing == "path" else "/products/"
    assert TenantClient(acme).get("/products/").content == f"acme: 1 products; link {link}".encode()
    assert TenantClient(globex).get("/hello/").content == b"hello globex"
    assert TenantAPIClient(globex).get("/hello/").content == b"hello globex"  # REST framework's


def test_the_async_client_reaches_its_tenant(settings, acme):
    settings.TENANCY_ROUTING = "header"

    async def get():
        return await AsyncTenantClient(acme).get("/async/")

    assert async_to_sync(get)().content == b"acme: 0 products (async)"


def test_paths_that_carry_the_prefix_keep_it(settings, acme):
    settings.TENANCY_ROUTING = "path"
    assert TenantClient(acme).get("/t/acme/hello/").content == b"hello acme"


# TenantTestCase ----------------------------------------------------------------------------------


@rolls_ddl_back
@override_settings(**ROUTED)
class TenantTestCaseTests(TenantTestCase):
    tenant_fields = {"name": "initech"}

    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        Product.for_tenant(cls.tenant).objects.create(name="stapler")

    def test_the_tenant_and_its_client(self):
        self.assertEqual(self.tenant.name, "initech")
        self.assertEqual(self.client.get("/products/").content, b"initech: 1 products; link /products/")

    def test_more_tenants(self):
        other = self.create_tenant()
        self.assertEqual(Product.for_tenant(other).objects.count(), 0)
        self.assertEqual(Customer.objects.count(), 2)

    def test_each_test_starts_from_the_class_data(self):
        Product.for_tenant(self.tenant).objects.create(name="extra")
        self.assertEqual(Product.for_tenant(self.tenant).objects.count(), 2)


@override_settings(**ROUTED)
class TenantTransactionTestCaseTests(TenantTransactionTestCase):
    def test_a_committed_tenant(self):
        self.assertEqual(self.client.get("/hello/").content, f"hello {self.tenant.name}".encode())
        self.assertTrue(tables(self.tenant.db_schema))


def test_tenants_of_transactional_tests_are_gone_afterwards(db):
    # Runs after the class above (file order): its tenants and their tables were deleted.
    assert not Customer.objects.exists()
    assert tables() == set()


# Factories ---------------------------------------------------------------------------------------


def test_factories_make_rows_in_the_given_tenant(db):
    acme, globex = TenantFactory(), TenantFactory()
    assert acme.name != globex.name
    order = OrderFactory(tenant=acme)
    assert type(order) is Order.for_tenant(acme)
    assert type(order.product) is Product.for_tenant(acme)  # the sub-factory stayed in the tenant
    assert Product.for_tenant(globex).objects.count() == 0
    built = ProductFactory.build(tenant=globex)
    assert type(built) is Product.for_tenant(globex) and built.pk is None


def test_the_factory_and_the_fixtures_never_make_the_same_key(tenant_factory):
    made = [tenant_factory(), TenantFactory(), tenant_factory(), TenantFactory()]
    assert len({tenant.name for tenant in made}) == 4


def test_a_tenant_model_factory_needs_a_tenant(db):
    with pytest.raises(TypeError, match="pass tenant="):
        ProductFactory()


# pytest fixtures (the plugin is loaded from the package's entry point) ---------------------------


def test_the_tenant_fixture(tenant, tenant_factory):
    other = tenant_factory(name="umbrella")
    assert {tenant.name, other.name} == set(Customer.objects.values_list("name", flat=True))
    assert other.name == "umbrella"


def test_the_tenant_client_fixture(tenant, tenant_client, tenant_api_client):
    assert tenant_client.get("/hello/").content == f"hello {tenant.name}".encode()
    assert tenant_api_client.get("/hello/").content == f"hello {tenant.name}".encode()


@pytest.mark.django_db(transaction=True)
def test_fixtures_in_a_transactional_test(tenant, delete_tenants):
    assert Customer.objects.filter(pk=tenant.pk).exists()
    assert tables(tenant.db_schema)


@rolls_ddl_back
def test_tenants_made_in_a_test_are_rolled_back(pytester, monkeypatch):
    """A tenant made by the fixture in one test is gone, with its tables, in the next."""
    from pathlib import Path

    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parent.parent))
    pytester.makeconftest("")
    pytester.makepyfile(
        """
        from tests.shop.models import Customer
        from tests.utils import ROUTED, routing, tables

        def test_first(tenant):
            assert tables(tenant.db_schema)

        def test_second(db):
            assert not Customer.objects.exists()
            assert tables() == set()
        """
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--ds", "tests.settings")
    result.assert_outcomes(passed=2)
