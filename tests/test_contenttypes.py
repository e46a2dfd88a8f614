"""Content types, permissions and generic relations of tenant models."""

import pytest
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.shop.models import Comment, Order, Product


def test_declared_models_get_a_content_type_and_permissions(db):
    ct = ContentType.objects.get(app_label="shop", model="order")
    codenames = set(Permission.objects.filter(content_type=ct).values_list("codename", flat=True))
    assert codenames == {"add_order", "change_order", "delete_order", "view_order"}
    assert ContentType.objects.filter(app_label="shop", model="timestamped").count() == 0  # a template


def test_content_types_are_created_again_by_migrate(db):
    ContentType.objects.filter(app_label="shop", model="tag").delete()
    call_command("migrate", verbosity=0)
    ct = ContentType.objects.get(app_label="shop", model="tag")
    assert Permission.objects.filter(content_type=ct).count() == 4


def test_every_tenants_class_shares_the_declared_content_type(acme, globex):
    expected = ContentType.objects.get(app_label="shop", model="product")
    assert ContentType.objects.get_for_model(Product.for_tenant(acme)) == expected
    assert ContentType.objects.get_for_model(Product.for_tenant(globex)) == expected


def test_permission_checks_use_the_declared_model(acme):
    user = User.objects.create(username="clerk")
    user.user_permissions.add(Permission.objects.get(codename="change_product"))
    assert user.has_perm("shop.change_product")
    assert not user.has_perm("shop.delete_product")


def test_generic_foreign_key_resolves_in_the_tenant(acme, globex, user):
    acme_product = Product.for_tenant(acme).objects.create(name="anvil")
    globex_product = Product.for_tenant(globex).objects.create(name="widget")
    assert acme_product.pk == globex_product.pk  # same key, other tables: only the tenant tells them apart
    Comment.for_tenant(acme).objects.create(content_object=acme_product, body="heavy")
    Comment.for_tenant(globex).objects.create(content_object=globex_product, body="light")
    Comment.for_tenant(acme).objects.create(content_object=user, body="a global object")
    acme_comments = Comment.for_tenant(acme).objects.order_by("pk")
    fetched = [Comment.for_tenant(acme).objects.get(pk=c.pk).content_object for c in acme_comments]
    assert fetched == [acme_product, user]
    assert type(fetched[0]) is Product.for_tenant(acme)
    assert Comment.for_tenant(globex).objects.get().content_object.name == "widget"


def test_generic_foreign_key_prefetch(acme, user):
    pen = Product.for_tenant(acme).objects.create(name="pen")
    AcmeComment = Comment.for_tenant(acme)
    AcmeComment.objects.create(content_object=pen, body="1")
    AcmeComment.objects.create(content_object=user, body="2")
    with CaptureQueriesContext(connection) as ctx:
        comments = list(AcmeComment.objects.order_by("pk").prefetch_related("content_object"))
        assert [c.content_object for c in comments] == [pen, user]
    assert len(ctx.captured_queries) == 3  # comments, then one query per content type


def test_generic_relation(acme, globex):
    AcmeProduct = Product.for_tenant(acme)
    pen, ink = AcmeProduct.objects.create(name="pen"), AcmeProduct.objects.create(name="ink")
    pen.comments.create(body="writes")
    ink.comments.create(body="spills")
    assert [c.body for c in pen.comments.all()] == ["writes"]
    assert list(AcmeProduct.objects.filter(comments__body="spills")) == [ink]
    assert list(Comment.for_tenant(acme).objects.filter(product__name="pen").values_list("body", flat=True)) == [
        "writes"
    ]
    assert Comment.for_tenant(globex).objects.count() == 0
    assert AcmeProduct._meta.get_field("comments").related_model is Comment.for_tenant(acme)


@pytest.mark.parametrize("model", [Order, Product])
def test_content_type_of_a_declared_model_does_not_resolve_globally(db, model):
    # There is no global table behind a declared model; tenancy resolves it per tenant.
    ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
    assert (ct.app_label, ct.model) == ("shop", model._meta.model_name)
    assert ct.model_class() is None
