from django.http import HttpResponse
from django.urls import reverse

from tests.shop.models import Product


def home(request):
    return HttpResponse(f"public site, tenant {request.tenant}")


def products(request):
    count = Product.for_tenant(request.tenant).objects.count()
    return HttpResponse(f"{request.tenant.name}: {count} products; link {reverse('products')}")


def hello(request):
    return HttpResponse(f"hello {request.tenant.name}")


async def async_products(request):
    count = await Product.for_tenant(request.tenant).objects.acount()
    return HttpResponse(f"{request.tenant.name}: {count} products (async)")


def current(request):
    from tenancy.context import current_tenant

    return HttpResponse(f"current {current_tenant()}")


def slow_current(request):
    import time

    from tenancy.context import current_tenant

    time.sleep(0.01)  # let the other threads' requests run meanwhile
    return HttpResponse(f"current {current_tenant()}")


async def async_current(request):
    import asyncio

    from tenancy.context import current_tenant

    await asyncio.sleep(0.01)  # let the other request run meanwhile
    return HttpResponse(f"current {current_tenant()}")


def static_home(request):
    return HttpResponse(f"static site {request.static_site} at {reverse('static-home')}, tenant {request.tenant}")


def link_to(request, name):
    from tenancy.links import tenant_reverse
    from tests.shop.models import Customer

    return HttpResponse(tenant_reverse("products", Customer.objects.get(name=name)))


def cached(request):
    """What the cache remembers of this tenant (tenancy.contrib.cache keys it by the current tenant)."""
    from django.core.cache import cache

    seen = cache.get("visited")
    cache.set("visited", True)
    return HttpResponse(f"{request.tenant.name}, {'cached' if seen else 'first visit'}")
