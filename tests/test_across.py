"""Queries across tenants (``tenancy.across``): one SQL statement over the rows of many tenants."""

from decimal import Decimal

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.db import IntegrityError, NotSupportedError, connection
from django.db.models import Avg, Count, F, Max, Min, Q, Sum
from django.test.utils import CaptureQueriesContext

from tenancy import across
from tenancy.across import CrossTenantQuerySet, across_tenants, copy_rows, row_model
from tenancy.base import declared_models
from tests.shop import models as shop_models
from tests.shop.models import Customer, Note, Order, Product, Tag


def one_query(func):
    """Run ``func``, check it ran exactly one SQL statement, a UNION ALL; return its result."""
    with CaptureQueriesContext(connection) as queries:
        result = func()
    assert len(queries) == 1, [q["sql"] for q in queries]
    assert "UNION ALL" in queries[0]["sql"]
    return result


def no_query(func):
    with CaptureQueriesContext(connection) as queries:
        result = func()
    assert len(queries) == 0, [q["sql"] for q in queries]
    return result


@pytest.fixture
def shop(db):
    """Three tenants in the report (acme, globex, initech) and one outside it (umbrella).

    Order quantities: acme 1 (anvil), 2 (anvil), 3 (rocket); globex 5 (laser), 1 (anvil);
    initech 7 (stapler); umbrella 100 (anvil).
    """
    buyer = User.objects.create(username="bob")
    data = {
        "acme": [("anvil", "10.00", [1, 2]), ("rocket", "25.00", [3])],
        "globex": [("laser", "100.00", [5]), ("anvil", "12.00", [1])],
        "initech": [("stapler", "3.00", [7])],
        "umbrella": [("anvil", "1.00", [100])],
    }
    tenants = {}
    for name, products in data.items():
        tenant = tenants[name] = Customer.objects.create(name=name)
        product_class, order_class = Product.for_tenant(tenant), Order.for_tenant(tenant)
        for product_name, price, quantities in products:
            product = product_class.objects.create(name=product_name, price=Decimal(price))
            for quantity in quantities:
                order_class.objects.create(product=product, buyer=buyer, quantity=quantity)
    red = Tag.for_tenant(tenants["acme"]).objects.create(label="red")
    blue = Tag.for_tenant(tenants["acme"]).objects.create(label="blue")
    first = Order.for_tenant(tenants["acme"]).objects.get(quantity=1)
    first.tags.add(red, blue)
    tenants["buyer"] = buyer
    return tenants


@pytest.fixture
def three(shop):
    return [shop["acme"], shop["globex"], shop["initech"]]


@pytest.fixture
def orders(three):
    return across_tenants(Order, three)


def pairs(rows):
    return [(row.tenant.name, row.quantity) for row in rows]


# Iteration ------------------------------------------------------------------------------------------


def test_iteration_yields_each_tenants_own_instances(shop, three, orders):
    rows = one_query(lambda: list(orders.order_by("tenant", "quantity")))
    assert pairs(rows) == [("acme", 1), ("acme", 2), ("acme", 3), ("globex", 1), ("globex", 5), ("initech", 7)]
    for row in rows:
        assert type(row) is Order.for_tenant(row.tenant)
        assert isinstance(row, Order)
        assert row.tenant is next(t for t in three if t.pk == row.tenant.pk)
    # Relations resolve in the row's own tenant: both have product_id 1, which are different rows.
    acme_first, globex_first = rows[0], rows[3]
    assert acme_first.product_id == 1
    assert acme_first.product.name == "anvil"
    assert type(acme_first.product) is Product.for_tenant(shop["acme"])
    assert globex_first.product.name == "anvil" and globex_first.product.price == Decimal("12.00")
    assert [tag.label for tag in acme_first.tags.order_by("label")] == ["blue", "red"]


def test_iterator_and_repr(orders):
    rows = one_query(lambda: list(orders.order_by("-quantity").iterator()))
    assert [row.quantity for row in rows] == [7, 5, 3, 2, 1, 1]
    assert isinstance(orders, CrossTenantQuerySet)
    first = one_query(lambda: repr(orders.order_by("quantity", "tenant")[:1]))
    assert first == "<CrossTenantQuerySet [<Order: Order object (1)>]>"


def test_a_tenant_not_listed_contributes_nothing(shop, orders):
    assert one_query(lambda: orders.count()) == 6
    assert one_query(lambda: orders.filter(quantity=100).exists()) is False
    assert one_query(lambda: orders.aggregate(m=Max("quantity"))) == {"m": 7}
    assert one_query(lambda: set(orders.values_list("tenant", flat=True))) == {
        shop["acme"].pk,
        shop["globex"].pk,
        shop["initech"].pk,
    }


def test_tenants_may_be_given_as_a_queryset(shop):
    queryset = across_tenants(Order, Customer.objects.exclude(name="umbrella"))
    assert one_query(lambda: queryset.count()) == 6
    assert {t.name for t in queryset.tenants} == {"acme", "globex", "initech"}


def test_a_tenant_listed_twice_counts_once(shop):
    assert across_tenants(Order, [shop["acme"], shop["acme"]]).count() == 3


# Filters --------------------------------------------------------------------------------------------


def test_filter_across_a_relation_joins_each_tenants_tables(shop, orders):
    queryset = orders.filter(product__name="anvil").order_by("tenant", "quantity")
    assert pairs(one_query(lambda: list(queryset))) == [("acme", 1), ("acme", 2), ("globex", 1)]
    sql = str(queryset.query)
    if connection.vendor == "postgresql":
        assert '"tenant_acme"."shop_product"' in sql and '"tenant_globex"."shop_product"' in sql
    else:
        assert "tenant_acme_shop_product" in sql and "tenant_globex_shop_product" in sql
    assert "umbrella" not in sql


def test_exclude(orders):
    queryset = orders.exclude(product__name="anvil").order_by("quantity")
    assert pairs(one_query(lambda: list(queryset))) == [("acme", 3), ("globex", 5), ("initech", 7)]
    queryset = orders.exclude(product__price__gte=20).exclude(quantity=1).order_by("quantity")
    assert pairs(one_query(lambda: list(queryset))) == [("acme", 2), ("initech", 7)]


def test_filter_on_local_fields_and_expressions(orders):
    assert one_query(lambda: orders.filter(quantity__gte=3).count()) == 3
    # F() resolves in each tenant's SELECT, across a relation too.
    queryset = orders.filter(product__price__gt=F("quantity") * 5).order_by("quantity", "tenant")
    assert pairs(one_query(lambda: list(queryset))) == [("acme", 1), ("globex", 1), ("acme", 3), ("globex", 5)]


def test_filter_across_a_many_to_many(orders):
    queryset = orders.filter(tags__label="red")
    assert pairs(one_query(lambda: list(queryset))) == [("acme", 1)]


def test_filter_on_the_tenant(shop, orders):
    globex = shop["globex"]
    assert one_query(lambda: sorted(orders.filter(tenant=globex).values_list("quantity", flat=True))) == [1, 5]
    assert one_query(lambda: orders.filter(tenant=globex.pk).count()) == 2
    assert one_query(lambda: orders.exclude(tenant=globex).count()) == 4
    assert one_query(lambda: orders.filter(tenant__in=[shop["acme"], shop["initech"]]).count()) == 4
    assert one_query(lambda: orders.filter(tenant__name="initech").get().quantity) == 7


def test_filter_mixing_tenant_and_fields(shop, orders):
    queryset = orders.filter(Q(tenant=shop["initech"]) | Q(quantity__gte=3, product__name="rocket"))
    assert sorted(pairs(one_query(lambda: list(queryset)))) == [("acme", 3), ("initech", 7)]
    queryset = orders.exclude(Q(tenant=shop["acme"]) | Q(product__name="anvil"))
    assert sorted(pairs(one_query(lambda: list(queryset)))) == [("globex", 5), ("initech", 7)]


def test_an_instance_only_matches_rows_of_its_tenant(shop, orders):
    acme_anvil = Product.for_tenant(shop["acme"]).objects.get(name="anvil")
    globex_laser = Product.for_tenant(shop["globex"]).objects.get(name="laser")
    # globex's orders of its product 1 (the laser) are not acme's anvil orders.
    assert acme_anvil.pk == globex_laser.pk == 1
    assert sorted(pairs(orders.filter(product=acme_anvil))) == [("acme", 1), ("acme", 2)]
    assert sorted(pairs(orders.filter(product__in=[acme_anvil, globex_laser]))) == [
        ("acme", 1),
        ("acme", 2),
        ("globex", 5),
    ]
    assert sorted(pairs(orders.exclude(product=acme_anvil))) == [
        ("acme", 3),
        ("globex", 1),
        ("globex", 5),
        ("initech", 7),
    ]
    globex_products = Product.for_tenant(shop["globex"]).objects.filter(price__gt=50)
    assert pairs(orders.filter(product__in=globex_products)) == [("globex", 5)]


def test_a_filter_that_matches_nothing_runs_no_query(orders):
    assert no_query(lambda: list(orders.filter(pk__in=[]))) == []
    assert no_query(lambda: orders.filter(product__in=[]).count()) == 0
    assert no_query(lambda: orders.none().exists()) is False


def test_a_bad_lookup_fails_at_filter_time(orders):
    from django.core.exceptions import FieldError

    with pytest.raises(FieldError):
        orders.filter(product__colour="red")


# values(), ordering, slicing ---------------------------------------------------------------------------


def test_values_includes_the_tenant(shop, orders):
    rows = one_query(lambda: list(orders.order_by("tenant", "quantity").values("tenant", "product", "quantity")))
    acme, globex, initech = shop["acme"].pk, shop["globex"].pk, shop["initech"].pk
    assert rows == [
        {"tenant": acme, "product": 1, "quantity": 1},
        {"tenant": acme, "product": 1, "quantity": 2},
        {"tenant": acme, "product": 2, "quantity": 3},
        {"tenant": globex, "product": 2, "quantity": 1},
        {"tenant": globex, "product": 1, "quantity": 5},
        {"tenant": initech, "product": 1, "quantity": 7},
    ]
    first = one_query(lambda: orders.order_by("quantity", "tenant").values()[0])
    assert first == {
        "id": 1,
        "product_id": 1,
        "buyer_id": shop["buyer"].pk,
        "parent_id": None,
        "quantity": 1,
        "tenant_id": acme,
    }


def test_values_list(shop, orders):
    rows = one_query(lambda: list(orders.order_by("-quantity", "tenant").values_list("tenant", "quantity")))
    acme, globex, initech = shop["acme"].pk, shop["globex"].pk, shop["initech"].pk
    assert rows == [(initech, 7), (globex, 5), (acme, 3), (acme, 2), (acme, 1), (globex, 1)]
    flat = one_query(lambda: list(orders.order_by("quantity").values_list("quantity", flat=True).distinct()))
    assert flat == [1, 2, 3, 5, 7]
    named = one_query(lambda: orders.order_by("-quantity").values_list("tenant", "quantity", named=True)[0])
    assert (named.tenant, named.quantity) == (initech, 7)


def test_order_by_tenant(shop, orders):
    rows = one_query(lambda: list(orders.order_by("-tenant", "-quantity")))
    assert pairs(rows) == [("initech", 7), ("globex", 5), ("globex", 1), ("acme", 3), ("acme", 2), ("acme", 1)]


def test_default_ordering_of_the_model(three):
    # Product's Meta.ordering is ["name"]: it orders the union.
    names = one_query(lambda: list(across_tenants(Product, three).values_list("name", flat=True)))
    assert names == ["anvil", "anvil", "laser", "rocket", "stapler"]


def test_slicing_and_indexing(orders):
    ordered = orders.order_by("tenant", "quantity")
    assert pairs(one_query(lambda: list(ordered[1:4]))) == [("acme", 2), ("acme", 3), ("globex", 1)]
    assert pairs([one_query(lambda: ordered[4])]) == [("globex", 5)]
    assert one_query(lambda: ordered[1:4].count()) == 3
    assert one_query(lambda: ordered[5:].exists()) is True
    assert one_query(lambda: ordered[6:].exists()) is False
    with pytest.raises(IndexError):
        one_query(lambda: ordered[6])


def test_first_and_last(orders):
    assert pairs([one_query(lambda: orders.first())]) == [("acme", 1)]  # tenant, then pk
    assert pairs([one_query(lambda: orders.last())]) == [("initech", 7)]
    assert pairs([one_query(lambda: orders.order_by("-quantity").first())]) == [("initech", 7)]
    assert pairs([one_query(lambda: orders.order_by("-quantity", "-tenant").last())]) == [("acme", 1)]
    assert no_query(lambda: orders.filter(pk__in=[]).first()) is None


def test_get(shop, orders):
    row = one_query(lambda: orders.get(tenant=shop["globex"], product__name="laser"))
    assert (row.tenant, row.quantity, row.product.name) == (shop["globex"], 5, "laser")
    with pytest.raises(Order.MultipleObjectsReturned):
        orders.get(product__name="anvil")
    with pytest.raises(Order.DoesNotExist):
        orders.get(quantity=100)


def test_only_and_defer(orders):
    row = one_query(lambda: orders.only("quantity").order_by("-quantity")[0])
    assert row.get_deferred_fields() == {"product_id", "buyer_id", "parent_id"}
    assert row.tenant.name == "initech"
    assert row.product.name == "stapler"  # loads the deferred field from initech's table
    row = one_query(lambda: orders.defer("quantity").order_by("-quantity")[0])
    assert row.get_deferred_fields() == {"quantity"}
    assert row.quantity == 7
    with pytest.raises(ValueError):
        orders.defer("tenant")


def test_contains(shop, orders):
    acme_order = Order.for_tenant(shop["acme"]).objects.get(quantity=3)
    umbrella_order = Order.for_tenant(shop["umbrella"]).objects.get()
    assert one_query(lambda: orders.contains(acme_order)) is True
    assert one_query(lambda: orders.contains(umbrella_order)) is False
    assert orders.contains(Product.for_tenant(shop["acme"]).objects.first()) is False


# count(), aggregate(), exists(), annotate() -------------------------------------------------------------


def test_count(orders):
    assert one_query(lambda: orders.count()) == 6
    assert one_query(lambda: orders.filter(product__name="anvil").count()) == 3
    assert one_query(lambda: orders.values("tenant").distinct().count()) == 3


def test_aggregate(orders):
    result = one_query(
        lambda: orders.aggregate(
            total=Sum("quantity"), n=Count("id"), mean=Avg("quantity"), low=Min("quantity"), high=Max("quantity")
        )
    )
    assert result == {"total": 19, "n": 6, "mean": pytest.approx(19 / 6, rel=1e-3), "low": 1, "high": 7}
    assert one_query(lambda: orders.filter(product__name="anvil").aggregate(Sum("quantity"))) == {"quantity__sum": 4}
    assert one_query(lambda: orders.aggregate(tenants=Count("tenant", distinct=True))) == {"tenants": 3}


def test_aggregate_decimal(three):
    products = across_tenants(Product, three)
    result = one_query(lambda: products.aggregate(total=Sum("price"), high=Max("price")))
    assert result == {"total": Decimal("150.00"), "high": Decimal("100.00")}


def test_exists(orders):
    assert one_query(lambda: orders.exists()) is True
    assert one_query(lambda: orders.filter(product__name="laser").exists()) is True
    assert one_query(lambda: orders.filter(product__name="drill").exists()) is False


def test_annotate_runs_in_each_tenant(shop, orders):
    queryset = orders.annotate(product_name=F("product__name"), tag_count=Count("tags")).order_by("tenant", "quantity")
    rows = one_query(lambda: list(queryset))
    assert [(r.tenant.name, r.quantity, r.product_name, r.tag_count) for r in rows] == [
        ("acme", 1, "anvil", 2),
        ("acme", 2, "anvil", 0),
        ("acme", 3, "rocket", 0),
        ("globex", 1, "anvil", 0),
        ("globex", 5, "laser", 0),
        ("initech", 7, "stapler", 0),
    ]
    values = one_query(lambda: list(queryset.filter(tag_count__gt=0).values_list("product_name", "tag_count")))
    assert values == [("anvil", 2)]
    value = one_query(lambda: orders.annotate(amount=F("quantity") * F("product__price")).aggregate(Sum("amount")))
    # 1*10 + 2*10 + 3*25 + 5*100 + 1*12 + 7*3
    assert value == {"amount__sum": Decimal("638.00")}


def test_grouped_report(shop, orders):
    report = orders.values("tenant").annotate(total=Sum("quantity"), n=Count("id")).order_by("tenant")
    assert one_query(lambda: list(report)) == [
        {"tenant": shop["acme"].pk, "total": 6, "n": 3},
        {"tenant": shop["globex"].pk, "total": 6, "n": 2},
        {"tenant": shop["initech"].pk, "total": 7, "n": 1},
    ]
    assert one_query(lambda: list(report.filter(total__gt=6).values_list("tenant", flat=True))) == [shop["initech"].pk]
    assert one_query(lambda: report.all().count()) == 3
    assert one_query(lambda: report.all().exists()) is True
    by_product = (
        orders.annotate(product_name=F("product__name"))
        .values("product_name")
        .annotate(total=Sum("quantity"))
        .order_by("-total", "product_name")
    )
    assert one_query(lambda: list(by_product.values_list("product_name", "total"))) == [
        ("stapler", 7),
        ("laser", 5),
        ("anvil", 4),
        ("rocket", 3),
    ]
    by_tenant_name = orders.values("tenant__name").annotate(total=Sum("quantity")).order_by("tenant__name")
    assert one_query(lambda: list(by_tenant_name.values_list("tenant__name", "total"))) == [
        ("acme", 6),
        ("globex", 6),
        ("initech", 7),
    ]


def test_relation_paths_in_values_and_order_by(shop, orders):
    # values() and order_by() through a relation: the path is fetched in each tenant's SELECT.
    rows = one_query(lambda: list(orders.order_by("product__name", "tenant", "quantity")))
    assert [(r.tenant.name, r.quantity) for r in rows] == [
        ("acme", 1),
        ("acme", 2),
        ("globex", 1),
        ("globex", 5),
        ("acme", 3),
        ("initech", 7),
    ]
    values = orders.order_by("-product__price", "quantity").values_list("product__name", "product__price", "quantity")
    assert one_query(lambda: list(values)) == [
        ("laser", Decimal("100.00"), 5),
        ("rocket", Decimal("25.00"), 3),
        ("anvil", Decimal("12.00"), 1),
        ("anvil", Decimal("10.00"), 1),
        ("anvil", Decimal("10.00"), 2),
        ("stapler", Decimal("3.00"), 7),
    ]
    report = (
        orders.values("tenant", "product__name").annotate(total=Sum("quantity")).order_by("tenant", "product__name")
    )
    acme, globex, initech = shop["acme"].pk, shop["globex"].pk, shop["initech"].pk
    assert one_query(lambda: list(report)) == [
        {"tenant": acme, "product__name": "anvil", "total": 3},
        {"tenant": acme, "product__name": "rocket", "total": 3},
        {"tenant": globex, "product__name": "anvil", "total": 1},
        {"tenant": globex, "product__name": "laser", "total": 5},
        {"tenant": initech, "product__name": "stapler", "total": 7},
    ]
    labels = orders.filter(tags__isnull=False).order_by("tags__label").values_list("tags__label", flat=True)
    assert one_query(lambda: list(labels)) == ["blue", "red"]
    # Ordered by a path, then selecting it.
    names = orders.order_by("-product__name").values_list("product__name", flat=True).distinct()
    assert one_query(lambda: list(names)) == ["stapler", "rocket", "laser", "anvil"]


def test_annotations_are_converted_as_in_a_tenant(three):
    if connection.vendor == "mysql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT CONVERT_TZ('2020-01-01 00:00:00', 'UTC', 'Europe/Paris')")
            if cursor.fetchone()[0] is None:
                pytest.skip("MySQL's time zone tables are not loaded (Django needs them for dates())")
    for tenant in three:
        Note.for_tenant(tenant).objects.create(body=f"note of {tenant.name}")
    notes = across_tenants(Note, three)
    own = Note.for_tenant(three[0]).objects
    assert one_query(lambda: list(notes.dates("created", "year"))) == list(own.dates("created", "year"))
    assert one_query(lambda: list(notes.datetimes("created", "day"))) == list(own.datetimes("created", "day"))
    assert one_query(lambda: list(notes.values_list("created__year", flat=True))) == [own.get().created.year] * 3


def test_aggregates_through_relations(shop, orders):
    # The paths an aggregate names are read in each tenant's SELECT.
    result = one_query(lambda: orders.aggregate(Sum("product__price"), top=Max(F("quantity") * F("product__price"))))
    assert result == {"product__price__sum": Decimal("160.00"), "top": Decimal("500.00")}
    report = orders.values("tenant").annotate(amount=Sum(F("quantity") * F("product__price"))).order_by("tenant")
    assert one_query(lambda: list(report.values_list("tenant", "amount"))) == [
        (shop["acme"].pk, Decimal("105.00")),
        (shop["globex"].pk, Decimal("512.00")),
        (shop["initech"].pk, Decimal("21.00")),
    ]


def test_used_as_a_subquery(shop, orders):
    acme_products = Product.for_tenant(shop["acme"]).objects
    ordered = acme_products.filter(pk__in=orders.filter(tenant=shop["acme"], quantity__gte=2).values("product"))
    assert one_query(lambda: sorted(ordered.values_list("name", flat=True))) == ["anvil", "rocket"]


def test_many_tenants_are_nested_on_sqlite(monkeypatch, three):
    monkeypatch.setattr(across.union, "SQLITE_MAX_COMPOUND", 2)
    orders = across_tenants(Order, three)
    assert one_query(lambda: orders.count()) == 6
    assert one_query(lambda: sorted(orders.values_list("quantity", flat=True))) == [1, 1, 2, 3, 5, 7]


def test_other_manager(shop, three):
    Product.for_tenant(shop["globex"]).objects.filter(name="laser").update(archived=True)
    archived = across_tenants(Product, three, manager="archived_objects")
    assert one_query(lambda: list(archived.values_list("name", flat=True))) == ["laser"]
    with pytest.raises(ValueError):
        across_tenants(Product, three, manager="nope")


# Empty, errors ----------------------------------------------------------------------------------------


def test_empty_tenant_list_runs_no_query(db):
    orders = no_query(lambda: across_tenants(Order, []))
    assert no_query(lambda: list(orders)) == []
    assert no_query(lambda: orders.count()) == 0
    assert no_query(lambda: orders.exists()) is False
    assert no_query(lambda: orders.aggregate(total=Sum("quantity"), n=Count("id"))) == {"total": None, "n": 0}
    assert no_query(lambda: list(orders.filter(product__name="x").values("tenant", "quantity"))) == []
    assert no_query(lambda: list(orders.annotate(name=F("product__name")).values_list("name"))) == []
    assert no_query(lambda: orders.first()) is None
    assert no_query(lambda: list(across_tenants(Order, Customer.objects.none()))) == []


@pytest.mark.parametrize(
    "write",
    [
        lambda qs: qs.update(quantity=0),
        lambda qs: qs.delete(),
        lambda qs: qs.create(quantity=1),
        lambda qs: qs.bulk_create([]),
        lambda qs: qs.bulk_update([], ["quantity"]),
        lambda qs: qs.get_or_create(quantity=1),
        lambda qs: qs.update_or_create(quantity=1),
        lambda qs: qs.filter(quantity=1).update(quantity=2),
        lambda qs: qs.select_for_update(),
    ],
    ids=[
        "update",
        "delete",
        "create",
        "bulk_create",
        "bulk_update",
        "get_or_create",
        "update_or_create",
        "filtered_update",
        "select_for_update",
    ],
)
def test_writes_are_refused(orders, write):
    with CaptureQueriesContext(connection) as queries, pytest.raises(NotSupportedError, match="not supported"):
        write(orders)
    assert len(queries) == 0
    assert orders.count() == 6


def test_unsupported_combinations(orders):
    for operation in (
        lambda: orders | orders,
        lambda: orders.union(orders),
        lambda: orders.prefetch_related("tags"),
        lambda: orders.select_related("product"),
        lambda: orders.in_bulk([1]),
    ):
        with pytest.raises(NotSupportedError):
            operation()


def test_only_declared_tenant_models_and_saved_tenants(shop):
    with pytest.raises(TypeError):
        across_tenants(User, [shop["acme"]])
    with pytest.raises(TypeError):
        across_tenants(Order, [shop["buyer"]])
    with pytest.raises(ValueError):
        across_tenants(Order, [Customer(name="unsaved")])
    # A tenant's own class stands for its declared model.
    assert across_tenants(Order.for_tenant(shop["acme"]), [shop["globex"]]).count() == 2


# Row models -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("model", declared_models, ids=lambda model: model.__name__)
def test_row_model_mirrors_the_tenant_class(shop, model):
    rows = row_model(model)
    assert rows is row_model(model)
    assert rows not in apps.get_models(include_auto_created=True)
    assert not rows._meta.managed
    tenant_class = model.for_tenant(shop["acme"])
    columns = [(f.attname, f.attname) for f in tenant_class._meta.concrete_fields]
    assert [(f.attname, f.column) for f in rows._meta.concrete_fields] == [*columns, ("tenant_id", "tenant")]
    assert rows._meta.pk.attname == tenant_class._meta.pk.attname


@pytest.mark.parametrize("model", declared_models, ids=lambda model: model.__name__)
def test_every_declared_model_can_be_queried(three, model):
    queryset = across_tenants(model, three)
    expected = sum(model.for_tenant(tenant)._default_manager.count() for tenant in three)
    assert one_query(lambda: len(list(queryset))) == expected
    assert one_query(lambda: queryset.all().count()) == expected


def test_proxy_model(shop, three):
    cheap_product = getattr(shop_models, "CheapProduct", None)
    if cheap_product is None:
        pytest.skip("the test app has no proxy tenant model")
    # The proxy's default manager (price < 10) and ordering (-price) apply; rows are proxy instances.
    rows = one_query(lambda: list(across_tenants(cheap_product, three)))
    assert [(row.tenant.name, row.name) for row in rows] == [("initech", "stapler")]
    assert type(rows[0]) is cheap_product.for_tenant(shop["initech"])
    newco = Customer.objects.create(name="newco")
    assert copy_rows(cheap_product, shop["globex"], newco, Q(name="laser")) == 1
    assert list(Product.for_tenant(newco).objects.values_list("pk", "name")) == [(1, "laser")]


def test_multi_table_inheritance(shop, three):
    digital_product = getattr(shop_models, "DigitalProduct", None)
    if digital_product is None:
        pytest.skip("the test app has no multi-table tenant model")
    for tenant in three[:2]:
        digital_product.for_tenant(tenant).objects.create(
            name=f"ebook {tenant.name}", price=Decimal("4.00"), download_url=f"https://example.com/{tenant.name}"
        )
    digital = across_tenants(digital_product, three)
    rows = one_query(lambda: list(digital.order_by("tenant")))
    assert [(row.tenant.name, row.name, row.download_url) for row in rows] == [
        ("acme", "ebook acme", "https://example.com/acme"),
        ("globex", "ebook globex", "https://example.com/globex"),
    ]
    assert [row.pk for row in rows] == [3, 3]
    assert one_query(lambda: list(digital.filter(price__lt=5).values_list("name", flat=True).order_by("name"))) == [
        "ebook acme",
        "ebook globex",
    ]
    # The parent's rows come first, then the child's table alone.
    newco = Customer.objects.create(name="newco")
    with pytest.raises(IntegrityError):
        copy_rows(digital_product, shop["acme"], newco)
    assert copy_rows(Product, shop["acme"], newco) == 3
    assert copy_rows(digital_product, shop["acme"], newco) == 1
    assert list(digital_product.for_tenant(newco).objects.values_list("pk", "name", "download_url")) == [
        (3, "ebook acme", "https://example.com/acme")
    ]


# copy_rows() ------------------------------------------------------------------------------------------


@pytest.fixture
def newco(shop):
    return Customer.objects.create(name="newco")


def snapshot(model, tenant):
    return list(model.for_tenant(tenant).objects.order_by("pk").values())


def test_copy_rows_keeps_primary_keys(shop, newco):
    acme = shop["acme"]
    assert copy_rows(Product, acme, newco) == 2
    assert snapshot(Product, newco) == snapshot(Product, acme)
    assert copy_rows(Tag, acme, newco) == 2
    assert copy_rows(Order, acme, newco) == 3
    assert snapshot(Order, newco) == snapshot(Order, acme)
    # The rows of Order.tags came along.
    copied = Order.for_tenant(newco).objects.get(quantity=1)
    assert sorted(copied.tags.values_list("label", flat=True)) == ["blue", "red"]
    assert copied.product.name == "anvil"
    # Nothing changed at the source.
    assert Order.for_tenant(acme).objects.count() == 3


def test_copy_rows_is_one_insert_select(shop, newco):
    with CaptureQueriesContext(connection) as queries:
        copy_rows(Product, shop["acme"], newco)
    inserts = [q["sql"] for q in queries if q["sql"].upper().startswith("INSERT")]
    assert len(inserts) == 1
    assert "SELECT" in inserts[0]


def test_copy_rows_with_a_filter(shop, newco):
    globex = shop["globex"]
    assert copy_rows(Product, globex, newco, Q(name="laser")) == 1
    assert list(Product.for_tenant(newco).objects.values_list("pk", "name")) == [(1, "laser")]
    assert copy_rows(Product, globex, newco, lambda rows: rows.filter(price__lt=50)) == 1
    assert list(Product.for_tenant(newco).objects.order_by("pk").values_list("pk", "name")) == [
        (1, "laser"),
        (2, "anvil"),
    ]
    # Only the filtered orders, and only their tag rows.
    acme = shop["acme"]
    copy_rows(Tag, acme, newco)
    assert copy_rows(Order, globex, newco, Q(product__name="laser")) == 1
    assert list(Order.for_tenant(newco).objects.values_list("pk", "quantity")) == [(1, 5)]
    assert copy_rows(Product, acme, newco, Q(pk__in=[])) == 0


def test_copy_rows_needs_the_rows_pointed_at_first(shop, newco):
    # Orders point at products (and at tags) that newco does not have yet.
    with pytest.raises(IntegrityError):
        copy_rows(Order, shop["acme"], newco)
    assert snapshot(Order, newco) == []
    copy_rows(Product, shop["acme"], newco)
    # The tag rows of Order.tags point at tags newco does not have: nothing is copied.
    with pytest.raises(IntegrityError):
        copy_rows(Order, shop["acme"], newco)
    assert snapshot(Order, newco) == []
    # Without the many-to-many rows the orders alone can be copied.
    assert copy_rows(Order, shop["acme"], newco, m2m=False) == 3
    assert Order.for_tenant(newco).objects.get(quantity=1).tags.count() == 0


def test_copy_rows_self_reference(shop, newco):
    acme = shop["acme"]
    acme_orders = Order.for_tenant(acme).objects
    parent = acme_orders.get(quantity=3)
    acme_orders.exclude(pk=parent.pk).update(parent=parent)
    copy_rows(Product, acme, newco)
    copy_rows(Tag, acme, newco)
    assert copy_rows(Order, acme, newco) == 3
    assert sorted(Order.for_tenant(newco).objects.values_list("pk", "parent_id")) == [(1, 3), (2, 3), (3, None)]


def test_copy_rows_conflict_leaves_the_target_unchanged(shop, newco):
    copy_rows(Product, shop["globex"], newco, Q(name="anvil"))  # pk 2
    before = snapshot(Product, newco)
    with pytest.raises(IntegrityError):
        copy_rows(Product, shop["acme"], newco)  # pks 1 and 2: 2 is taken
    assert snapshot(Product, newco) == before
    # The connection is still usable, and a copy without the conflict works.
    assert copy_rows(Product, shop["acme"], newco, Q(pk=1)) == 1


def test_copy_rows_resets_the_sequence(shop, newco):
    copy_rows(Product, shop["acme"], newco)
    copy_rows(Tag, shop["acme"], newco)
    copy_rows(Order, shop["acme"], newco)
    product = Product.for_tenant(newco).objects.create(name="new")
    assert product.pk == 3
    order = Order.for_tenant(newco).objects.create(product=product, buyer=shop["buyer"])
    assert order.pk == 4
    order.tags.add(Tag.for_tenant(newco).objects.get(label="red"))  # the tags table's sequence too


def test_copy_rows_arguments(shop, newco):
    with pytest.raises(ValueError):
        copy_rows(Product, shop["acme"], shop["acme"])
    with pytest.raises(TypeError):
        copy_rows(Product, shop["acme"], newco, "name=anvil")
    with pytest.raises(TypeError):
        copy_rows(User, shop["acme"], newco)
    with pytest.raises(TypeError):
        copy_rows(Product, shop["acme"], newco, lambda rows: Product.for_tenant(shop["globex"]).objects.all())
