"""tenancy.lookup: the tenants of routing keys, remembered per process, bounded, least recently used first out."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenancy.lookup import TenantLookup
from tenancy.routing import Route
from tests.shop.models import Customer


@pytest.fixture
def shops(db):
    return [Customer.objects.create(name=name) for name in ("acme", "globex", "initech")]


def test_a_remembered_tenant_costs_no_query(shops):
    lookup = TenantLookup()
    with CaptureQueriesContext(connection) as queries:
        assert lookup.get("default", Route("acme")).tenant == shops[0]
        assert lookup.get("default", Route("acme")).tenant == shops[0]
        assert lookup.get("default", Route("nobody")).tenant is None  # a miss is remembered too
        assert lookup.get("default", Route("nobody")).tenant is None
    assert len(queries) == 2


def test_the_least_recently_used_goes_first_when_full(shops):
    lookup = TenantLookup(size=2)
    acme, globex, initech = (Route(tenant.name) for tenant in shops)
    lookup.get("default", acme)
    lookup.get("default", globex)
    assert lookup.cached("default", acme) is not None  # used: now globex is the least recent
    lookup.get("default", initech)
    assert lookup.cached("default", globex) is None
    assert lookup.cached("default", acme).tenant == shops[0]
    assert lookup.cached("default", initech).tenant == shops[2]


def test_forgetting_a_tenant_forgets_it_and_every_miss(shops):
    lookup = TenantLookup()
    for key in ("acme", "globex", "nobody"):
        lookup.get("default", Route(key))
    lookup.forget(shops[0].pk, "default")
    assert lookup.cached("default", Route("acme")) is None and lookup.cached("default", Route("nobody")) is None
    assert lookup.cached("default", Route("globex")).tenant == shops[1]
