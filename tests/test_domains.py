"""Tenants' own domains, static sites with URLconfs of their own, links to a tenant, routing checks."""

import pytest
from django.core import checks
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tenancy.contrib.domains.models import Domain, normalize_domain
from tenancy.links import tenant_reverse, tenant_url
from tests.shop.models import Customer, Product
from tests.utils import routing


@pytest.fixture(autouse=True)
def routed(settings):
    with routing(settings, TENANCY_ROUTING="domain", ALLOWED_HOSTS=["*"]):
        yield


@pytest.fixture
def shops(db):
    acme, globex = Customer.objects.create(name="acme"), Customer.objects.create(name="globex")
    Product.for_tenant(acme).objects.create(name="anvil")
    Domain.objects.create(tenant=acme, domain="acme.example.com")
    Domain.objects.create(tenant=acme, domain="shop.acme.test")
    Domain.objects.create(tenant=globex, domain="globex.test")
    return acme, globex


def get(host, path="/products/", **kwargs):
    return Client().get(path, headers={"host": host}, **kwargs)


# The model ---------------------------------------------------------------------------------------


def test_the_first_domain_is_primary_and_one_stays_primary(shops):
    acme, _ = shops
    assert list(acme.domains.filter(is_primary=True).values_list("domain", flat=True)) == ["acme.example.com"]
    Domain.objects.create(tenant=acme, domain="acme.shop", is_primary=True)
    assert list(acme.domains.primary().values_list("domain", flat=True)) == ["acme.shop"]
    Domain.objects.get(domain="acme.shop").delete()  # the oldest other domain takes over
    assert list(acme.domains.primary().values_list("domain", flat=True)) == ["acme.example.com"]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Shop.ACME.org.", "shop.acme.org"),
        (" acme.example.net ", "acme.example.net"),
        ("bücher.de", "xn--bcher-kva.de"),
    ],
)
def test_domains_are_stored_as_requests_carry_them(shops, given, stored):
    acme, _ = shops
    assert Domain.objects.create(tenant=acme, domain=given).domain == stored


@pytest.mark.parametrize("bad", ["https://acme.test", "acme.test:8000", "acme.test/shop", "a b.test", "-acme.test", ""])
def test_a_malformed_domain_is_refused_and_nothing_stored(shops, bad):
    acme, _ = shops
    before = Domain.objects.count()
    with pytest.raises(ValidationError, match="not a valid domain name"):
        Domain.objects.create(tenant=acme, domain=bad)
    assert Domain.objects.count() == before
    with pytest.raises(ValidationError):
        normalize_domain(bad)


def test_a_domain_belongs_to_one_tenant(shops):
    from django.db import IntegrityError, transaction

    _, globex = shops
    with pytest.raises(IntegrityError), transaction.atomic():
        Domain.objects.create(tenant=globex, domain="ACME.example.com")


def test_deleting_a_tenant_deletes_its_domains(shops):
    acme, _ = shops
    acme.delete()
    assert sorted(Domain.objects.values_list("domain", flat=True)) == ["globex.test"]


# Routing by domain -------------------------------------------------------------------------------


def test_every_domain_of_a_tenant_routes_to_it(shops):
    assert get("acme.example.com").content == b"acme: 1 products; link /products/"
    assert get("shop.acme.test:8000").content == b"acme: 1 products; link /products/"
    assert get("globex.test").content == b"globex: 0 products; link /products/"


def test_unknown_hosts_are_404_and_the_base_domain_is_the_public_site(shops):
    assert get("nobody.test").status_code == 404
    assert get("nobody.example.com", "/").status_code == 404
    for host in ("example.com", "www.example.com"):
        assert get(host, "/").content == b"public site, tenant None"


def test_a_domain_costs_one_query_cold_and_none_warm(shops):
    with CaptureQueriesContext(connection) as cold:
        get("shop.acme.test", "/hello/")
    with CaptureQueriesContext(connection) as warm:
        assert get("shop.acme.test", "/hello/").content == b"hello acme"
    assert len(cold.captured_queries) == 1
    assert warm.captured_queries == []


def test_other_domains_redirect_to_the_primary_one_when_asked(settings, shops):
    assert get("shop.acme.test", "/hello/").status_code == 200
    settings.TENANCY_REDIRECT_TO_PRIMARY_DOMAIN = True
    response = get("shop.acme.test", "/hello/?x=1")
    assert response.status_code == 301
    assert response["Location"] == "http://acme.example.com/hello/?x=1"
    assert get("acme.example.com", "/hello/").content == b"hello acme"


def test_moving_or_deleting_a_domain_is_seen_at_once(shops):
    acme, globex = shops
    assert get("shop.acme.test", "/hello/").content == b"hello acme"
    Domain.objects.filter(domain="shop.acme.test").update(tenant=globex)  # no signal: still remembered
    assert get("shop.acme.test", "/hello/").content == b"hello acme"
    domain = Domain.objects.get(domain="shop.acme.test")
    domain.save()
    assert get("shop.acme.test", "/hello/").content == b"hello globex"
    domain.delete()
    assert get("shop.acme.test", "/hello/").status_code == 404


# Static sites ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("routing", "kwargs", "path"),
    [
        ("subdomain", {"headers": {"host": "admin.example.com"}}, "/"),
        ("subdomain", {"headers": {"host": "www.example.com"}}, "/"),
        ("path", {"headers": {"host": "example.com"}}, "/t/admin/"),
        ("header", {"headers": {"host": "example.com", "x-tenant": "admin"}}, "/"),
        ("domain", {"headers": {"host": "admin.example.com"}}, "/"),
    ],
)
def test_static_sites_have_their_own_urlconf_and_no_tenant(settings, shops, routing, kwargs, path):
    settings.TENANCY_ROUTING = routing
    settings.TENANCY_STATIC_SITES = {
        "admin": "tests.web.static_urls",
        "www": "tests.web.static_urls",
        "admin.example.com": "tests.web.static_urls",
    }
    Customer.objects.create(name="admin")  # unreachable: the static site wins
    response = Client().get(path, **kwargs)
    assert response.content.startswith(b"static site ")
    assert response.content.endswith(b", tenant None")


def test_static_site_links_stay_in_the_site(settings, shops):
    settings.TENANCY_ROUTING = "path"
    settings.TENANCY_STATIC_SITES = {"admin": "tests.web.static_urls"}
    assert Client().get("/t/admin/").content == b"static site admin at /t/admin/, tenant None"


# Links to a tenant from outside its requests -----------------------------------------------------


@pytest.mark.parametrize(
    ("routing", "url"),
    [
        ("subdomain", "https://acme.example.com/products/"),
        ("domain", "https://acme.example.com/products/"),
        ("path", "https://example.com/t/acme/products/"),
        ("header", "/products/"),
    ],
)
def test_links_to_a_tenant(settings, shops, routing, url):
    acme, _ = shops
    settings.TENANCY_ROUTING = routing
    assert tenant_reverse("products", acme) == url
    assert tenant_url(acme, "/products/") == url


def test_links_take_the_scheme_and_port_of_a_request_or_a_port(settings, shops):
    from django.test import RequestFactory

    acme, _ = shops
    settings.TENANCY_ROUTING = "subdomain"
    settings.ALLOWED_HOSTS = [".example.com"]
    served = RequestFactory().get("/", headers={"host": "example.com:8000"})
    assert tenant_url(acme, "/products/", request=served) == "http://acme.example.com:8000/products/"
    assert tenant_reverse("products", acme, request=served) == "http://acme.example.com:8000/products/"
    secure = RequestFactory().get("/", headers={"host": "example.com"}, secure=True)
    assert tenant_url(acme, request=secure) == "https://acme.example.com/"
    assert tenant_url(acme, port=8443) == "https://acme.example.com:8443/"
    assert tenant_url(acme, port=443) == "https://acme.example.com/"  # the scheme's own port is left out
    assert tenant_url(acme, scheme="http", port="80") == "http://acme.example.com/"
    settings.TENANCY_ROUTING = "header"
    assert tenant_url(acme, "/products/", request=served) == "/products/"


def test_links_from_another_tenants_request_do_not_keep_its_prefix(settings, shops):
    settings.TENANCY_ROUTING = "path"
    settings.TENANCY_BASE_DOMAIN = None
    response = Client().get("/t/globex/link-to/acme/", headers={"host": "example.com"})
    assert response.content == b"/t/acme/products/"


def test_a_link_needs_an_address(settings, shops):
    acme, _ = shops
    initech = Customer.objects.create(name="initech")
    with pytest.raises(ValueError, match="has no domain"):
        tenant_url(initech)
    settings.TENANCY_ROUTING, settings.TENANCY_BASE_DOMAIN = "subdomain", None
    with pytest.raises(ValueError, match="TENANCY_BASE_DOMAIN"):
        tenant_url(acme)
    with pytest.raises(ValueError, match="must start with '/'"):
        tenant_url(acme, "products/")


# System checks -----------------------------------------------------------------------------------


def routing_errors():
    return sorted(e.id for e in checks.run_checks() if e.id.startswith("tenancy."))


def test_routing_checks(settings):
    assert routing_errors() == []
    settings.TENANCY_ROUTING = "cookie"
    settings.TENANCY_STATIC_SITES = ["admin"]
    settings.TENANCY_ROUTING_LISTEN = "nowhere"
    settings.TENANCY_ROUTING_FIELD = "id_but_wrong"
    assert routing_errors() == ["tenancy.E008", "tenancy.E010", "tenancy.E011", "tenancy.E012"]
    settings.MIDDLEWARE = []  # not routed: the routing field is not used
    assert routing_errors() == ["tenancy.E008", "tenancy.E010", "tenancy.E011"]


def test_domain_routing_needs_the_domains_app():
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import django; from django.conf import settings; "
        "settings.configure(INSTALLED_APPS=['django.contrib.contenttypes', 'tenancy'], "
        "DATABASES={'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': ':memory:'}}, "
        "TENANCY_ROUTING='domain'); django.setup(); from django.core import checks; "
        "print([e.id for e in checks.run_checks() if e.id.startswith('tenancy.')])"
    )
    root = Path(__file__).resolve().parent.parent
    result = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, timeout=60)
    assert result.stdout.strip() == "['tenancy.E009']", result.stderr


def test_subdomain_routing_without_a_base_domain_warns(settings):
    settings.TENANCY_ROUTING, settings.TENANCY_BASE_DOMAIN = "subdomain", None
    assert routing_errors() == ["tenancy.W003"]
    settings.MIDDLEWARE = []  # routing is not used
    assert routing_errors() == []
