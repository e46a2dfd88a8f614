"""The tenants' views: each answers in JSON with the tenant it served and the rows it read.

Every row a view writes, or that :mod:`tests.served.prepare` seeded, is a ``Product`` whose name
starts with the name of the tenant whose table it belongs in (``"shop07/seed-0"``), so a client
sees at a glance whether a response carries any other tenant's row. Writing views take a
``label`` query parameter, which they put in the names of the rows they write, so that the client
can find them. On PostgreSQL, views that run in a transaction report the backend (server
process) that ran it, which tells the tests whether a pooler shared server connections between
tenants.
"""

from __future__ import annotations

from django.db import connection, transaction
from django.http import HttpRequest, JsonResponse

from tests.shop.models import Customer, Product


def marked(tenant: Customer, label: str) -> str:
    """The name of a row of ``tenant``'s: its marker (the tenant's name), then ``label``."""
    return f"{tenant.name}/{label}"


def answer(request: HttpRequest, rows: list[str], **more) -> JsonResponse:
    return JsonResponse({"tenant": request.tenant.name, "rows": rows, **more})


def backend() -> int | None:
    """The PostgreSQL server process running this connection's current transaction; None elsewhere."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def rows(request: HttpRequest) -> JsonResponse:
    """Sync, in autocommit: every statement may run on another server connection behind a pooler.

    ``iterator()`` fetches in chunks: with a server-side cursor where there is one, which behind a
    transaction pooler must be off (``DISABLE_SERVER_SIDE_CURSORS``).
    """
    products = Product.for_tenant(request.tenant).objects
    names = list(products.values_list("name", flat=True).iterator(chunk_size=2))
    return answer(request, names, count=products.count())


async def arows(request: HttpRequest) -> JsonResponse:
    """Async, with the async ORM: ``acount``, ``aget`` and ``async for`` over ``aiterator()``."""
    products = Product.for_tenant(request.tenant).objects
    count = await products.acount()
    first = await products.aget(name=marked(request.tenant, "seed-0"))
    names = [product.name async for product in products.all().aiterator(chunk_size=2)]
    return answer(request, names, count=count, first=first.name)


def write(request: HttpRequest) -> JsonResponse:
    """Sync: write a row and read the table back, in one transaction."""
    products = Product.for_tenant(request.tenant).objects
    with transaction.atomic():
        written = products.create(name=marked(request.tenant, request.GET["label"]))
        names = list(products.values_list("name", flat=True))
        pid = backend()
    return answer(request, names, written=[written.name], backend=pid)


async def awrite(request: HttpRequest) -> JsonResponse:
    """Async: ``acreate``, ``asave``, then ``aget`` and ``async for`` read it back."""
    products = Product.for_tenant(request.tenant).objects
    product = await products.acreate(name=marked(request.tenant, request.GET["label"]), price=1)
    product.price = 2
    await product.asave(update_fields=["price"])
    again = await products.aget(pk=product.pk)
    names = [name async for name in products.values_list("name", flat=True)]
    return answer(request, names, written=[again.name], price=str(again.price))


def pair(request: HttpRequest, other: str) -> JsonResponse:
    """Sync: write a row in this tenant's table and one in ``other``'s, and read both, in one transaction."""
    partner = Customer.objects.get(name=other)
    mine, theirs = Product.for_tenant(request.tenant).objects, Product.for_tenant(partner).objects
    label = request.GET["label"]
    with transaction.atomic():
        written = [mine.create(name=marked(request.tenant, label)).name]
        written.append(theirs.create(name=marked(partner, label)).name)
        names, other_names = list(mine.values_list("name", flat=True)), list(theirs.values_list("name", flat=True))
        pid = backend()
    return answer(request, names, written=written, other=partner.name, other_rows=other_names, backend=pid)
