"""The scripted tour of tenancy: ``python demo.py tour`` (see demo.py for the databases).

Two shops, each with its own model classes and tables: created, written to, queried side by
side, shown in the database, and one of them deleted. Django is configured in-process with
``settings.configure()``: there is no settings module and no ``manage.py``.
"""

from __future__ import annotations

import textwrap

# --- Set-up -------------------------------------------------------------------------------------


def configure(databases: dict) -> None:
    from django.conf import settings

    settings.configure(
        DEBUG=False,
        SECRET_KEY="tenancy-demo",
        USE_TZ=True,
        DATABASES=databases,
        INSTALLED_APPS=[
            "django.contrib.contenttypes",
            "django.contrib.auth",
            "tenancy",
            "demo",
        ],
        DEFAULT_AUTO_FIELD="django.db.models.BigAutoField",
        TENANCY_TENANT_MODEL="demo.Shop",
    )
    import django

    django.setup()


# --- Output -------------------------------------------------------------------------------------


def heading(text: str) -> None:
    print(f"\n=== {text} " + "=" * max(3, 90 - len(text)))


def say(text: str = "", indent: int = 2) -> None:
    print(textwrap.indent(text, " " * indent))


def sql(queryset) -> str:
    return textwrap.fill(str(queryset.query), width=96, subsequent_indent="    ")


def tenant_tables() -> dict[str, list[str]]:
    """Every table that belongs to a tenant, grouped by schema (PostgreSQL) or by prefix."""
    from django.db import connection

    from demo.models import Shop

    tables: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_schema LIKE %s ORDER BY 1, 2",
                ["tenant\\_%"],
            )
            for schema, table in cursor.fetchall():
                tables.setdefault(schema, []).append(f'"{schema}"."{table}"')
            return tables
        names = sorted(connection.introspection.table_names(cursor))
    prefixes = [shop.db_schema for shop in Shop.objects.all()]
    for name in names:
        if name.startswith("tenant_"):
            owner = next((p for p in prefixes if name.startswith(p + "_")), "(no tenant)")
            tables.setdefault(owner, []).append(name)
    return tables


def show_tenant_tables() -> None:
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE %s ORDER BY 1", ["tenant\\_%"])
            say(f"schemas: {', '.join(row[0] for row in cursor.fetchall()) or '(none)'}")
    tables = tenant_tables()
    if not tables:
        say("(no tenant tables)")
    for owner, names in tables.items():
        say(f"{owner}: {', '.join(names)}")


# --- The tour -----------------------------------------------------------------------------------


def tour(where: str) -> None:
    import django
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.db import IntegrityError, connection, transaction

    from demo.models import Order, Product, Shop
    from tenancy import signals
    from tenancy.exceptions import TenantDeleted, TenantModelUnavailable

    print(f"tenancy demo: Django {django.get_version()}, {where}")

    heading("1. manage.py migrate creates the global tables only")
    call_command("migrate", verbosity=0)
    say(", ".join(sorted(connection.introspection.table_names())))
    say("Product and Order have no table yet: every shop will get its own.")

    heading("2. Creating a shop creates its schema and tables, in the same transaction")

    def announce(sender, tenant, using, **kwargs):
        tables = ", ".join(model._meta.db_table for model in tenant.models)
        say(f"post_models_creation for {tenant!r}: created {tables}")

    signals.post_models_creation.connect(announce)
    acme = Shop.objects.create(name="acme")
    globex = Shop.objects.create(name="globex")
    signals.post_models_creation.disconnect(announce)
    say(f"acme.db_schema = {acme.db_schema!r}, globex.db_schema = {globex.db_schema!r}")

    heading("3. Every shop has its own classes")
    AcmeProduct = Product.for_tenant(acme)
    GlobexProduct = Product.for_tenant(globex)
    say(f"Product.for_tenant(acme)._meta.db_table   = {AcmeProduct._meta.db_table}")
    say(f"Product.for_tenant(globex)._meta.db_table = {GlobexProduct._meta.db_table}")
    say(f"Product.for_tenant(acme) is acme.models[Product]: {AcmeProduct is acme.models[Product]}")
    say(f"Product.for_tenant(acme) is Product.for_tenant(globex): {AcmeProduct is GlobexProduct}")
    say(f"issubclass(Product.for_tenant(acme), Product): {issubclass(AcmeProduct, Product)}")
    try:
        Product.objects  # noqa: B018  (the point: the declared model has no manager)
    except TenantModelUnavailable as exc:
        say(f"Product.objects raises TenantModelUnavailable:\n  {exc}")

    heading("4. Writing rows through each shop's classes")
    alice = User.objects.create_user("alice")  # a global model: one auth_user table for everyone
    catalogue = {
        acme: [("anvil", "49.90"), ("rocket skates", "120.00")],
        globex: [("hammock", "35.00")],
    }
    for shop, items in catalogue.items():
        ShopProduct, ShopOrder = Product.for_tenant(shop), Order.for_tenant(shop)
        for name, price in items:
            product = ShopProduct.objects.create(name=name, price=price)
            ShopOrder.objects.create(product=product, buyer=alice, quantity=2)
        say(f"{shop}: {len(items)} product(s), {len(items)} order(s) by alice")
    with transaction.atomic():  # two tenants, one transaction: nothing to switch
        acme.products.create(name="gift card", price="10.00")
        globex.products.create(name="gift card", price="10.00")
    say("one transaction: a gift card for each shop")

    heading("5. Each shop sees its own rows only")
    for shop in Shop.objects.order_by("name"):
        ShopOrder = Order.for_tenant(shop)
        say(f"{shop} (tables {Product.for_tenant(shop)._meta.db_table}, {ShopOrder._meta.db_table}):")
        for product in shop.products.order_by("pk"):
            say(f"product #{product.pk}: {product.name}, {product.price}", indent=4)
        for order in ShopOrder.objects.select_related("product", "buyer").order_by("pk"):
            say(f"order #{order.pk}: {order}", indent=4)
    say("Both shops number their rows from 1: they are different tables.")

    heading("6. The SQL names the shop's tables: no search_path, no connection state")
    for shop in (acme, globex):
        say(f"{shop}:")
        say(sql(Order.for_tenant(shop).objects.filter(product__price__gt=40)), indent=4)

    heading("7. Tenant tables in the database")
    show_tenant_tables()

    heading("8. on_delete of a tenant -> global foreign key is left to the database")
    try:
        with transaction.atomic():
            alice.delete()
    except IntegrityError:
        say("deleting alice, who has orders in both shops, is refused by the database (IntegrityError)")
    else:
        raise SystemExit("error: alice was deleted although orders refer to her")

    heading("9. Deleting a shop drops its schema (or its tables)")
    old_globex_product = Product.for_tenant(globex)
    globex.delete()
    say("globex.delete() done; tenant tables left:")
    show_tenant_tables()
    try:
        old_globex_product.objects.count()
    except TenantDeleted as exc:
        say(f"a class of the deleted shop refuses to query (TenantDeleted):\n  {exc}")
    say(f"acme still has {acme.products.count()} products.")

    heading("Done")


def makemigrations() -> None:
    configure({"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}})
    from django.core.management import call_command

    call_command("makemigrations", "demo")
