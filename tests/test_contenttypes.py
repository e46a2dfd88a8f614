"""Content types, permissions and generic relations of tenant classes: each tenant has its own."""

from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.shop.models import CheapProduct, Comment, Customer, Product


def test_each_tenant_class_has_a_content_type_of_its_own(acme, globex):
    acme_ct = ContentType.objects.get_for_model(Product.for_tenant(acme))
    globex_ct = ContentType.objects.get_for_model(Product.for_tenant(globex))
    assert (acme_ct.app_label, acme_ct.model) == ("tenant_acme:shop", "product")
    assert (globex_ct.app_label, globex_ct.model) == ("tenant_globex:shop", "product")
    labels = set(ContentType.objects.filter(app_label="tenant_acme:shop").values_list("model", flat=True))
    shop_models = [model for model in acme.models if model._tenancy_declared._meta.app_label == "shop"]
    assert labels == {model._meta.model_name for model in shop_models}


def test_content_types_and_permissions_are_made_at_provisioning(db):
    with CaptureQueriesContext(connection) as ctx:
        Customer.objects.create(name="acme")
    assert ContentType.objects.filter(app_label="tenant_acme:shop").count() == 10
    codenames = set(
        Permission.objects.filter(content_type__app_label="tenant_acme:shop", content_type__model="order").values_list(
            "codename", flat=True
        )
    )
    assert codenames == {"add_order", "change_order", "delete_order", "view_order"}
    assert Permission.objects.filter(content_type__app_label="tenant_acme:shop").count() == 40
    inserts = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("INSERT INTO")]
    assert len([sql for sql in inserts if "django_content_type" in sql]) <= 1 + (
        not connection.features.can_return_rows_from_bulk_insert
    )


def test_proxy_content_type(acme):
    ct = ContentType.objects.get_for_model(CheapProduct.for_tenant(acme), for_concrete_model=False)
    assert (ct.app_label, ct.model) == ("tenant_acme:shop", "cheapproduct")


def test_permissions_are_per_tenant(acme, globex):
    user = User.objects.create(username="clerk")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="tenant_acme:shop", codename="change_product")
    )
    assert user.has_perm("tenant_acme:shop.change_product")
    assert not user.has_perm("tenant_globex:shop.change_product")
    assert not user.has_perm("tenant_acme:shop.delete_product")


def test_content_types_and_permissions_are_removed_with_the_tenant(acme, globex, django_capture_on_commit_callbacks):
    user = User.objects.create(username="clerk")
    user.user_permissions.add(Permission.objects.get(content_type__app_label="tenant_acme:shop", codename="view_order"))
    Comment.for_tenant(acme).objects.create(content_object=user, body="points at a global row")
    with django_capture_on_commit_callbacks(execute=True):
        acme.delete()
    assert not ContentType.objects.filter(app_label__startswith="tenant_acme:").exists()
    assert not Permission.objects.filter(content_type__app_label__startswith="tenant_acme:").exists()
    assert User.objects.get(username="clerk").user_permissions.count() == 0
    assert ContentType.objects.filter(app_label="tenant_globex:shop").count() == 10
    connection.check_constraints()  # nothing left pointing at the deleted rows


def test_a_new_tenant_of_the_same_name_gets_fresh_content_types(acme, django_capture_on_commit_callbacks):
    old = ContentType.objects.get_for_model(Product.for_tenant(acme)).pk  # cached by Django
    with django_capture_on_commit_callbacks(execute=True):
        acme.delete()
    reborn = Customer.objects.create(name="acme")
    new = ContentType.objects.get_for_model(Product.for_tenant(reborn))
    assert new.pk != old and ContentType.objects.filter(pk=new.pk).exists()


def test_generic_foreign_key_resolves_in_the_tenant(acme, globex, user):
    acme_product = Product.for_tenant(acme).objects.create(name="anvil")
    globex_product = Product.for_tenant(globex).objects.create(name="widget")
    assert acme_product.pk == globex_product.pk  # same key, other tables: the tenant tells them apart
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


def test_evicting_a_tenant_forgets_its_cached_content_types(db, settings):
    settings.TENANCY_CACHE_SIZE = 1
    first, second = Customer.objects.create(name="t1"), Customer.objects.create(name="t2")
    ContentType.objects.get_for_model(Product.for_tenant(first))
    cached = ContentType.objects._cache[connection.alias]
    assert any(ct.app_label == "tenant_t1:shop" for ct in cached.values())
    Product.for_tenant(second)  # evicts t1
    assert not any(ct.app_label == "tenant_t1:shop" for ct in cached.values())
