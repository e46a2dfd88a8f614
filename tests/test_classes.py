"""The classes built for each tenant: identity, inheritance, options, managers, pickling."""

import pickle
from decimal import Decimal

import pytest
from django.core.exceptions import MultipleObjectsReturned, ObjectDoesNotExist
from django.db import connection

from tenancy.exceptions import TenantModelUnavailable, TenantNotProvisioned
from tests.evolve.models import Book, Shelf
from tests.members.models import Member
from tests.shop.models import (
    CheapProduct,
    Comment,
    Customer,
    DigitalProduct,
    Invoice,
    Note,
    Order,
    Product,
    Stock,
    Tag,
    Timestamped,
    Warehouse,
)


def test_for_tenant_returns_the_same_class_every_time(acme):
    assert Order.for_tenant(acme) is Order.for_tenant(acme)
    assert acme.models[Order] is Order.for_tenant(acme)
    assert acme.models["shop.Order"] is Order.for_tenant(acme)
    assert acme.models["shop.order"] is Order.for_tenant(acme)


def test_same_class_for_another_instance_of_the_same_tenant(acme):
    again = Customer.objects.get(pk=acme.pk)
    assert again is not acme
    assert Order.for_tenant(again) is Order.for_tenant(acme)


def test_each_tenant_has_its_own_classes(acme, globex):
    assert Order.for_tenant(acme) is not Order.for_tenant(globex)
    assert Order.for_tenant(acme)._meta.db_table != Order.for_tenant(globex)._meta.db_table


def test_for_tenant_on_a_tenant_class_gives_the_other_tenants_class(acme, globex):
    assert Order.for_tenant(acme).for_tenant(globex) is Order.for_tenant(globex)


def test_models_iterates_over_every_class_of_the_tenant(acme):
    classes = list(acme.models)
    assert {cls._tenancy_declared for cls in classes} == {
        Product,
        Tag,
        Order,
        Invoice,
        Warehouse,
        Stock,
        Note,
        CheapProduct,
        DigitalProduct,
        Comment,
        Shelf,
        Book,
        Member,
    }
    assert len(acme.models) == 13
    assert Order in acme.models and Timestamped not in acme.models
    with pytest.raises(KeyError, match="not a tenant model"):
        acme.models[Customer]


def test_table_names(acme):
    table = Order.for_tenant(acme)._meta.db_table
    if connection.vendor == "postgresql":
        assert table == '"tenant_acme"."shop_order"'
    else:
        assert table == "tenant_acme_shop_order"


def test_declared_db_table_is_kept_inside_the_tenant(acme):
    table = Invoice.for_tenant(acme)._meta.db_table
    assert table in ('"tenant_acme"."shop_invoices"', "tenant_acme_shop_invoices")


def test_unsaved_tenant_has_no_classes(db):
    with pytest.raises(TenantNotProvisioned, match="has not been saved"):
        Order.for_tenant(Customer(name="nope"))


def test_declared_model_has_no_manager(db):
    with pytest.raises(TenantModelUnavailable, match=r"for_tenant\(tenant\)\.objects"):
        Order.objects  # noqa: B018
    with pytest.raises(AttributeError, match="tenant specific"):
        Product.archived_objects  # noqa: B018


def test_class_is_a_subclass_of_the_declared_model(acme, user):
    AcmeProduct = Product.for_tenant(acme)
    product = AcmeProduct.objects.create(name="pen")
    assert isinstance(product, Product)
    assert issubclass(AcmeProduct, Product)
    assert AcmeProduct.__name__ == "Product"
    assert AcmeProduct._meta.label == "tenant_acme:shop.Product"  # an app label of its own (content types)
    assert AcmeProduct._meta.model_name == "product"


def test_exceptions_subclass_the_declared_models(acme):
    AcmeProduct = Product.for_tenant(acme)
    assert issubclass(AcmeProduct.DoesNotExist, Product.DoesNotExist)
    assert issubclass(Product.DoesNotExist, ObjectDoesNotExist)
    assert issubclass(AcmeProduct.MultipleObjectsReturned, Product.MultipleObjectsReturned)
    assert issubclass(Product.MultipleObjectsReturned, MultipleObjectsReturned)
    with pytest.raises(Product.DoesNotExist):
        AcmeProduct.objects.get(name="missing")
    AcmeProduct.objects.create(name="a")
    AcmeProduct.objects.create(name="a")
    with pytest.raises(Product.MultipleObjectsReturned):
        AcmeProduct.objects.get(name="a")


def test_custom_managers_querysets_methods_and_properties(acme):
    AcmeProduct = Product.for_tenant(acme)
    AcmeProduct.objects.create(name="pen", price=Decimal("2.50"))
    AcmeProduct.objects.create(name="desk", price=Decimal("300"), archived=True)
    assert [p.name for p in AcmeProduct.objects.cheap()] == ["pen"]
    assert [p.name for p in AcmeProduct.archived_objects.all()] == ["desk"]
    assert AcmeProduct._default_manager.__class__.__name__ == "ProductManager"
    desk = AcmeProduct.objects.get(name="desk")
    assert desk.display_price == "300.00 EUR"
    assert desk.discounted(10) == Decimal("270")
    assert str(desk) == "desk"


def test_meta_options_carry_over(acme):
    opts = Product.for_tenant(acme)._meta
    assert opts.ordering == ["name"]
    assert opts.verbose_name == "produit" and opts.verbose_name_plural == "produits"
    assert [c.name for c in opts.constraints][0].endswith("shop_product_price_gte_0")
    assert [i.name for i in opts.indexes][0].endswith("shop_product_name_idx")
    assert Invoice.for_tenant(acme)._meta.unique_together == (("series", "number"),)
    assert Note.for_tenant(acme)._meta.ordering == ["-created"]


def test_ordering_is_applied(acme):
    AcmeProduct = Product.for_tenant(acme)
    for name in ["c", "a", "b"]:
        AcmeProduct.objects.create(name=name)
    assert [p.name for p in AcmeProduct.objects.all()] == ["a", "b", "c"]


def test_constraints_are_enforced(acme):
    from django.db import IntegrityError, transaction

    AcmeProduct = Product.for_tenant(acme)
    with pytest.raises(IntegrityError), transaction.atomic():
        AcmeProduct.objects.create(name="negative", price=-1)
    order = Order.for_tenant(acme)
    AcmeInvoice = Invoice.for_tenant(acme)
    product = AcmeProduct.objects.create(name="p")
    from django.contrib.auth.models import User

    buyer = User.objects.create(username="u")
    first = order.objects.create(product=product, buyer=buyer)
    second = order.objects.create(product=product, buyer=buyer)
    AcmeInvoice.objects.create(order=first, number="1")
    with pytest.raises(IntegrityError), transaction.atomic():
        AcmeInvoice.objects.create(order=second, number="1")


def test_index_and_constraint_names_do_not_clash_between_tenants(acme, globex):
    acme_names = {i.name for i in Product.for_tenant(acme)._meta.indexes}
    globex_names = {i.name for i in Product.for_tenant(globex)._meta.indexes}
    if connection.vendor == "postgresql":
        assert acme_names == globex_names  # index names are per schema
    else:
        assert acme_names.isdisjoint(globex_names)
    names = {c.name for c in Stock.for_tenant(acme)._meta.constraints}
    assert names  # both tenants were created, so their unique constraints coexisted


def test_abstract_template_base_is_not_a_tenant_model(acme):
    with pytest.raises(KeyError):
        acme.models[Timestamped]
    assert issubclass(Note.for_tenant(acme), Timestamped)
    assert [f.name for f in Note.for_tenant(acme)._meta.concrete_fields] == ["id", "created", "body", "author"]


def test_instances_pickle_and_unpickle(acme):
    AcmeProduct = Product.for_tenant(acme)
    product = AcmeProduct.objects.create(name="pen", price=Decimal("1.20"))
    copy = pickle.loads(pickle.dumps(product))
    assert type(copy) is AcmeProduct
    assert (copy.pk, copy.name, copy.price) == (product.pk, "pen", Decimal("1.20"))
    copy.name = "pencil"
    copy.save()
    assert AcmeProduct.objects.get(pk=product.pk).name == "pencil"


def test_classes_pickle_by_tenant(acme):
    assert pickle.loads(pickle.dumps(Order.for_tenant(acme))) is Order.for_tenant(acme)
    assert pickle.loads(pickle.dumps(Order)) is Order


def test_tenant_pickles_without_its_classes(acme):
    Order.for_tenant(acme)
    copy = pickle.loads(pickle.dumps(acme))
    assert "_tenancy_classes" not in copy.__dict__
    assert Order.for_tenant(copy) is Order.for_tenant(acme)


def test_tenant_meta_related_name(acme, globex):
    acme.products.create(name="pen")
    assert [p.name for p in acme.products.all()] == ["pen"]
    assert globex.products.count() == 0
    assert acme.products.model is Product.for_tenant(acme)


def test_unknown_tenant_meta_option_is_refused():
    from tenancy.base import declared_models
    from tenancy.exceptions import TenancyConfigurationError
    from tenancy.models import TenantModel

    before = list(declared_models)
    with pytest.raises(TenancyConfigurationError, match="unknown option.*related_nme"):

        class Broken(TenantModel):
            class TenantMeta:
                related_nme = "oops"

            class Meta:
                app_label = "shop"

    assert declared_models == before


def test_tag_unique_is_per_tenant(acme, globex):
    Tag.for_tenant(acme).objects.create(label="red")
    Tag.for_tenant(globex).objects.create(label="red")
    assert Tag.for_tenant(acme).objects.count() == Tag.for_tenant(globex).objects.count() == 1


def test_proxy_model(acme, globex):
    AcmeCheap, AcmeProduct = CheapProduct.for_tenant(acme), Product.for_tenant(acme)
    assert AcmeCheap._meta.proxy and AcmeCheap._meta.concrete_model is AcmeProduct
    assert AcmeCheap._meta.db_table == AcmeProduct._meta.db_table
    assert issubclass(AcmeCheap, CheapProduct) and issubclass(AcmeCheap, AcmeProduct)
    AcmeProduct.objects.create(name="gum", price=1)
    AcmeProduct.objects.create(name="pen", price=7)
    AcmeProduct.objects.create(name="desk", price=300)
    assert [p.name for p in AcmeCheap.objects.all()] == ["pen", "gum"]  # proxy's manager and ordering
    gum = AcmeCheap.objects.get(name="gum")
    assert gum.is_bargain() and gum.display_price == "1.00 EUR"
    assert CheapProduct.for_tenant(globex).objects.count() == 0
    with pytest.raises(Product.DoesNotExist):
        AcmeCheap.objects.get(name="desk")
    assert issubclass(CheapProduct.DoesNotExist, Product.DoesNotExist)


def test_multi_table_inheritance(acme, globex):
    AcmeDigital, AcmeProduct = DigitalProduct.for_tenant(acme), Product.for_tenant(acme)
    assert AcmeDigital._meta.get_parent_list() == [AcmeProduct]
    ebook = AcmeDigital.objects.create(name="ebook", price=3, download_url="https://example.com/e")
    assert isinstance(ebook, Product) and isinstance(ebook, DigitalProduct)
    assert AcmeProduct.objects.get(name="ebook").digitalproduct == ebook
    assert AcmeDigital.objects.filter(name="ebook", price=3).get().download_url == "https://example.com/e"
    assert AcmeDigital._meta.db_table in ('"tenant_acme"."shop_digitalproduct"', "tenant_acme_shop_digitalproduct")
    assert DigitalProduct.for_tenant(globex).objects.count() == Product.for_tenant(globex).objects.count() == 0
    assert issubclass(DigitalProduct.DoesNotExist, Product.DoesNotExist)
    ebook.delete()
    assert AcmeProduct.objects.count() == 0


def test_declared_child_does_not_copy_its_parents_fields():
    assert [f.name for f in DigitalProduct._meta.local_fields] == ["download_url"]
    assert CheapProduct._meta.local_fields == []


def test_proxy_and_child_managers_explain_themselves(db):
    with pytest.raises(TenantModelUnavailable):
        CheapProduct.objects  # noqa: B018
    with pytest.raises(TenantModelUnavailable):
        DigitalProduct.archived_objects  # noqa: B018
