"""tenancy.contrib.cache.make_key against a real Redis: tenants never read each other's entries."""

import socket
import uuid

import pytest
from django.core.cache import caches
from django.test import Client

from tenancy.context import using_tenant
from tests.utils import routing


def redis_is_up() -> bool:
    try:
        socket.create_connection(("127.0.0.1", 6379), timeout=1).close()
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(not redis_is_up(), reason="no Redis on 127.0.0.1:6379")


@pytest.fixture
def cache(settings):
    prefix = f"tenancy-test-{uuid.uuid4().hex}"  # this run's keys only
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
            "KEY_PREFIX": prefix,
            "KEY_FUNCTION": "tenancy.contrib.cache.make_key",
        }
    }
    yield caches["default"]
    client = caches["default"]._cache.get_client(write=True)
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_each_tenant_has_its_own_entries(cache, acme, globex):
    with using_tenant(acme):
        cache.set("menu", "acme's menu")
        cache.set_many({"a": 1, "b": 2})
        cache.incr("a")
    with using_tenant(globex):
        assert cache.get("menu") is None
        assert cache.get_many(["a", "b"]) == {}
        cache.set("menu", "globex's menu")
    cache.set("menu", "the public site's menu")
    with using_tenant(acme):
        assert cache.get("menu") == "acme's menu"
        assert cache.get_many(["a", "b"]) == {"a": 2, "b": 2}
        cache.delete("menu")
    with using_tenant(globex):
        assert cache.get("menu") == "globex's menu"
    assert cache.get("menu") == "the public site's menu"


def test_the_keys_in_redis_name_the_tenant(cache, acme):
    with using_tenant(acme):
        cache.set("menu", 1)
    client = cache._cache.get_client()
    prefix = cache.key_prefix
    assert [k.decode() for k in client.scan_iter(f"{prefix}:*")] == [f"{prefix}:1:default.{acme.db_schema}:menu"]


def test_views_cache_per_tenant_through_the_middleware(settings, cache, acme, globex):
    with routing(settings, TENANCY_CURRENT_TENANT=True):
        for tenant in (acme, globex):
            response = Client().get("/cached/", headers={"host": f"{tenant.name}.example.com"})
            assert response.content == f"{tenant.name}, first visit".encode()
        response = Client().get("/cached/", headers={"host": "acme.example.com"})
        assert response.content == b"acme, cached"
