"""The admin (tenancy.contrib.admin): tenant models registered once, administered tenant by tenant.

The test app registers Product (filters, search, an action, an inline of Stock), Order
(autocomplete and raw id fields), Tag and Warehouse in tests/shop/admin.py, on ``admin.site``,
which tenancy.contrib.admin.apps.AdminConfig makes a TenantAdminSite.
"""

import gc
import json
import weakref

import pytest
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission, User
from django.core.exceptions import ImproperlyConfigured
from django.test import Client

from tenancy.contrib.admin.models import TenantLogEntry
from tenancy.contrib.admin.sites import SESSION_KEY, TenantAdminSite
from tests.members.models import Member, Membership
from tests.shop.admin import OrderAdmin, StockInline
from tests.shop.models import Customer, Order, Product, Stock, Tag, Warehouse

pytestmark = pytest.mark.usefixtures("admin_settings")  # tests/admin_fixtures.py


def choose(client, tenant, next_page=""):
    return client.post("/admin/tenancy/tenant/", {"tenant": tenant.pk if tenant else "", "next": next_page})


def listed(response) -> list[str]:
    """The objects a change list shows, by their str()."""
    return sorted(str(obj) for obj in response.context["cl"].result_list)


# Choosing the tenant -----------------------------------------------------------------------------


def test_admin_site_is_a_tenant_admin_site():
    assert isinstance(admin.site, TenantAdminSite)
    assert admin.site.is_registered(Product)


def test_superuser_sees_no_tenant_models_until_a_tenant_is_chosen(shops, root):
    acme, globex = shops
    index = root.get("/admin/")
    assert index.status_code == 200
    labels = {model["object_name"] for app in index.context["app_list"] for model in app["models"]}
    assert "Product" not in labels and "Customer" in labels
    assert [t.name for t in index.context["tenancy_tenant_choices"]] == ["acme", "globex"]
    assert b'id="tenancy-tenant-selector"' in index.content and b"Choose a tenant" in index.content
    # Straight to a tenant model's page: back to the index, asked to choose.
    response = root.get("/admin/shop/product/")
    assert response.status_code == 302 and response.url == "/admin/"

    assert choose(root, acme).status_code == 302
    index = root.get("/admin/")
    labels = {model["object_name"] for app in index.context["app_list"] for model in app["models"]}
    assert {"Product", "Order", "Tag", "Warehouse", "Customer"} <= labels
    assert index.context["tenancy_admin_tenant"] == acme


def test_each_tenant_shows_its_own_rows(shops, root):
    acme, globex = shops
    choose(root, acme)
    assert listed(root.get("/admin/shop/product/")) == ["anvil", "rocket"]
    choose(root, globex)
    assert listed(root.get("/admin/shop/product/")) == ["widget"]
    choose(root, None)
    assert root.get("/admin/shop/product/").status_code == 302


def test_switching_from_an_object_page_goes_to_the_other_tenants_list(shops, root):
    acme, globex = shops
    choose(root, acme)
    anvil = Product.for_tenant(acme).objects.get(name="anvil")
    response = choose(root, globex, f"/admin/shop/product/{anvil.pk}/change/")
    assert response.url == "/admin/shop/product/"
    assert choose(root, acme, "/admin/shop/order/?q=x").url == "/admin/shop/order/?q=x"
    assert choose(root, acme, "https://evil.example.org/").url == "/admin/"


def test_another_tenants_object_is_not_found(shops, root):
    acme, globex = shops
    for name in ("gear", "spring"):
        Product.for_tenant(globex).objects.create(name=name, price=1)
    spring = Product.for_tenant(globex).objects.get(name="spring")
    assert not Product.for_tenant(acme).objects.filter(pk=spring.pk).exists()
    choose(root, acme)
    response = root.get(f"/admin/shop/product/{spring.pk}/change/")
    assert response.status_code == 302 and response.url == "/admin/"  # Django's "doesn't exist" message
    assert root.get(f"/admin/shop/product/{spring.pk}/history/").status_code == 302
    assert root.post(f"/admin/shop/product/{spring.pk}/delete/", {"post": "yes"}).status_code == 302
    assert Product.for_tenant(globex).objects.filter(pk=spring.pk).exists()


def test_beyond_the_limit_the_selector_takes_a_key(shops, root, monkeypatch):
    acme, globex = shops
    monkeypatch.setattr(admin.site, "tenant_choices_limit", 1)
    index = root.get("/admin/")
    assert index.context["tenancy_tenant_choices"] is None
    assert b'<input id="tenancy-tenant" name="key"' in index.content
    assert root.post("/admin/tenancy/tenant/", {"key": "globex"}).status_code == 302
    assert listed(root.get("/admin/shop/product/")) == ["widget"]
    assert b'value="globex"' in root.get("/admin/").content
    assert root.post("/admin/tenancy/tenant/", {"key": "nope"}).status_code == 404


def test_choosing_an_unknown_tenant_is_a_404(shops, root):
    assert root.post("/admin/tenancy/tenant/", {"tenant": "999999"}).status_code == 404
    assert root.post("/admin/tenancy/tenant/", {"tenant": "x"}).status_code == 404
    assert root.get("/admin/tenancy/tenant/").status_code == 405


# Editing, filters, search, actions, inlines, autocomplete ----------------------------------------


def test_add_change_and_delete_in_one_tenant(shops, root):
    acme, globex = shops
    choose(root, acme)
    response = root.post(
        "/admin/shop/product/add/",
        {
            "name": "catapult",
            "price": "12.50",
            "stock_set-TOTAL_FORMS": "0",
            "stock_set-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors if response.context else response
    catapult = Product.for_tenant(acme).objects.get(name="catapult")
    assert not Product.for_tenant(globex).objects.filter(name="catapult").exists()

    response = root.post(
        f"/admin/shop/product/{catapult.pk}/change/",
        {"name": "trebuchet", "price": "13", "stock_set-TOTAL_FORMS": "0", "stock_set-INITIAL_FORMS": "0"},
    )
    assert response.status_code == 302
    assert Product.for_tenant(acme).objects.get(pk=catapult.pk).name == "trebuchet"

    response = root.post(f"/admin/shop/product/{catapult.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not Product.for_tenant(acme).objects.filter(pk=catapult.pk).exists()
    assert sorted(Product.for_tenant(globex).objects.values_list("name", flat=True)) == ["widget"]

    entries = TenantLogEntry.objects.order_by("pk")
    assert [(e.tenant_id, e.model, e.object_id, e.action_flag) for e in entries] == [
        (acme.pk, "shop.product", str(catapult.pk), 1),
        (acme.pk, "shop.product", str(catapult.pk), 2),
        (acme.pk, "shop.product", str(catapult.pk), 3),
    ]
    assert entries[1].get_change_message() == "Changed Name and Price."
    assert all(
        e.user_id == root.session["_auth_user_id"] or str(e.user_id) == root.session["_auth_user_id"] for e in entries
    )
    assert not LogEntry.objects.exists()  # Django's log is left to global models


def test_history_is_the_tenants(shops, root):
    acme, globex = shops
    acme_anvil = Product.for_tenant(acme).objects.get(name="anvil")
    globex_widget = Product.for_tenant(globex).objects.get(name="widget")
    assert acme_anvil.pk == globex_widget.pk  # same pk at both tenants: the history must not mix them
    for tenant, pk in ((acme, acme_anvil.pk), (globex, globex_widget.pk)):
        choose(root, tenant)
        root.post(
            f"/admin/shop/product/{pk}/change/",
            {
                "name": f"{tenant.name}-renamed",
                "price": "5",
                "stock_set-TOTAL_FORMS": "0",
                "stock_set-INITIAL_FORMS": "0",
            },
        )
    choose(root, acme)
    history = root.get(f"/admin/shop/product/{acme_anvil.pk}/history/")
    assert history.status_code == 200
    assert [e.tenant_id for e in history.context["action_list"]] == [acme.pk]
    assert b"root" in history.content and b"Changed Name." in history.content


def test_recent_actions_link_back_to_their_tenant(shops, root):
    acme, globex = shops
    widget = Product.for_tenant(globex).objects.get(name="widget")
    choose(root, globex)
    root.post(
        f"/admin/shop/product/{widget.pk}/change/",
        {"name": "gadget", "price": "5", "stock_set-TOTAL_FORMS": "0", "stock_set-INITIAL_FORMS": "0"},
    )
    choose(root, acme)
    index = root.get("/admin/")
    [entry] = index.context["tenancy_recent_actions"]
    assert entry.tenant == globex and entry.object_repr == "gadget"
    assert entry.tenancy_url.encode() in index.content and b"globex" in index.content
    response = root.get(entry.tenancy_url)
    assert response.status_code == 302 and response.url == f"/admin/shop/product/{widget.pk}/change/"
    assert root.session[SESSION_KEY] == globex.pk  # followed, the link shows globex's gadget
    assert root.get(response.url).context["original"].name == "gadget"


def test_filters_search_and_actions(shops, root):
    acme, _ = shops
    Product.for_tenant(acme).objects.filter(name="rocket").update(archived=True)
    choose(root, acme)
    assert listed(root.get("/admin/shop/product/?archived__exact=1")) == ["rocket"]
    assert listed(root.get("/admin/shop/product/?q=anv")) == ["anvil"]
    anvil = Product.for_tenant(acme).objects.get(name="anvil")
    response = root.post("/admin/shop/product/", {"action": "archive", "_selected_action": [anvil.pk]})
    assert response.status_code == 302
    assert set(Product.for_tenant(acme).objects.values_list("archived", flat=True)) == {True}
    response = root.post(
        "/admin/shop/product/", {"action": "delete_selected", "_selected_action": [anvil.pk], "post": "yes"}
    )
    assert response.status_code == 302
    assert list(Product.for_tenant(acme).objects.values_list("name", flat=True)) == ["rocket"]
    assert TenantLogEntry.objects.get(action_flag=3).object_repr == "anvil"


def test_inlines_edit_the_tenants_related_rows(shops, root):
    acme, globex = shops
    warehouse = Warehouse.for_tenant(acme).objects.create(name="north")
    anvil = Product.for_tenant(acme).objects.get(name="anvil")
    choose(root, acme)
    page = root.get(f"/admin/shop/product/{anvil.pk}/change/")
    [formset] = page.context["inline_admin_formsets"]
    assert formset.formset.model is Stock.for_tenant(acme)
    response = root.post(
        f"/admin/shop/product/{anvil.pk}/change/",
        {
            "name": "anvil",
            "price": "5",
            "stock_set-TOTAL_FORMS": "1",
            "stock_set-INITIAL_FORMS": "0",
            "stock_set-0-warehouse": str(warehouse.pk),
            "stock_set-0-quantity": "7",
        },
    )
    assert response.status_code == 302
    assert list(Stock.for_tenant(acme).objects.values_list("warehouse__name", "quantity")) == [("north", 7)]
    assert not Stock.for_tenant(globex).objects.exists()


def test_relations_offer_the_tenants_rows_and_link_to_them(shops, root, superuser):
    acme, globex = shops
    anvil = Product.for_tenant(acme).objects.get(name="anvil")
    first = Order.for_tenant(acme).objects.create(product=anvil, buyer=superuser)
    choose(root, acme)
    page = root.get("/admin/shop/order/add/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert list(form.fields["tags"].queryset) == list(Tag.for_tenant(acme).objects.all())
    assert form.fields["product"].queryset.model is Product.for_tenant(acme)
    html = page.content.decode()
    assert 'data-app-label="tenant_acme:shop"' in html  # the autocomplete's label: the tenant's
    assert "/admin/shop/tag/add/?_to_field=id&amp;_popup=1" in html  # the "+" of the tags, by declared name
    assert "/admin/shop/order/?_to_field=id" in html  # the raw id lookup of parent
    change = root.get(f"/admin/shop/order/{first.pk}/change/")
    assert change.status_code == 200


def test_autocomplete_answers_with_the_administered_tenants_rows(shops, root):
    acme, globex = shops
    choose(root, acme)
    query = {"app_label": "tenant_acme:shop", "model_name": "order", "field_name": "product", "term": ""}
    response = root.get("/admin/autocomplete/", query)
    assert response.status_code == 200
    assert sorted(r["text"] for r in json.loads(response.content)["results"]) == ["anvil", "rocket"]
    # globex's label while administering acme: refused
    response = root.get("/admin/autocomplete/", {**query, "app_label": "tenant_globex:shop"})
    assert response.status_code == 403


# Who may administer which tenant -----------------------------------------------------------------


def grant(user, tenant, *codenames):
    label = f"{tenant.db_schema}:shop"
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label=label, codename__in=codenames))


def test_a_staff_member_administers_only_their_tenants(shops):
    acme, globex = shops
    staff = User.objects.create_user("sam", password="sam-secret", is_staff=True)
    Membership.objects.create(tenant=acme, user=staff)
    grant(staff, acme, "view_product")
    grant(staff, globex, "view_product", "change_product")  # not a member of globex: worth nothing
    client = Client(HTTP_HOST="example.com")
    client.force_login(staff)

    index = client.get("/admin/")
    assert [t.name for t in index.context["tenancy_tenant_choices"]] == ["acme"]
    assert choose(client, globex).status_code == 403
    assert choose(client, acme).status_code == 302
    assert listed(client.get("/admin/shop/product/")) == ["anvil", "rocket"]
    assert client.get("/admin/shop/product/add/").status_code == 403  # view permission only
    assert client.get("/admin/shop/order/").status_code == 403
    labels = {model["object_name"] for app in client.get("/admin/").context["app_list"] for model in app["models"]}
    assert labels == {"Product"}

    # A session that chose globex earlier (membership since revoked) shows nothing of globex.
    session = client.session
    session[SESSION_KEY] = globex.pk
    session.save()
    response = client.get("/admin/shop/product/")
    assert (response.status_code, response.url) == (302, "/admin/")
    assert client.get("/admin/").context["tenancy_admin_tenant"] is None


def test_a_tenants_own_staff_user_administers_it_on_its_host(shops):
    acme, globex = shops
    Member.for_tenant(acme).objects.create_superuser("alice", "alice@acme.test", "alice-secret")
    client = Client(HTTP_HOST="acme.example.com")
    response = client.post("/admin/login/?next=/admin/", {"username": "alice", "password": "alice-secret"})
    assert response.status_code == 302, response.content
    index = client.get("/admin/")
    assert index.context["tenancy_admin_tenant"] == acme and not index.context["tenancy_can_choose_tenant"]
    assert b'id="tenancy-tenant"' in index.content
    assert listed(client.get("/admin/shop/product/")) == ["anvil", "rocket"]
    client.post(
        "/admin/shop/product/add/",
        {"name": "x", "price": "1", "stock_set-TOTAL_FORMS": "0", "stock_set-INITIAL_FORMS": "0"},
    )
    entry = TenantLogEntry.objects.get()
    assert (entry.tenant_id, entry.user_id, entry.tenant_user_id, entry.user_repr) == (
        acme.pk,
        None,
        str(Member.for_tenant(acme).objects.get(username="alice").pk),
        "alice",
    )
    assert [e.object_repr for e in client.get("/admin/").context["tenancy_recent_actions"]] == ["x"]
    # Choosing another tenant on a tenant's host is not possible.
    assert choose(client, globex).status_code == 403
    # The same session at globex authenticates nobody there.
    assert client.get("/admin/", HTTP_HOST="globex.example.com").status_code == 302


def test_a_global_superuser_on_a_tenants_host_administers_that_tenant(shops, superuser):
    acme, globex = shops
    client = Client(HTTP_HOST="acme.example.com")
    response = client.post("/admin/login/?next=/admin/", {"username": "root", "password": "root-secret"})
    assert response.status_code == 302
    assert listed(client.get("/admin/shop/product/")) == ["anvil", "rocket"]
    assert not client.get("/admin/").context["tenancy_can_choose_tenant"]


def test_staff_without_membership_see_no_tenant(shops):
    staff = User.objects.create_user("nemo", password="x", is_staff=True)
    client = Client(HTTP_HOST="example.com")
    client.force_login(staff)
    assert client.get("/admin/").context["tenancy_tenant_choices"] == []
    assert client.get("/admin/shop/product/").status_code == 302  # asked to choose; none to choose from


def test_adding_a_tenant_whose_schema_name_is_taken_is_a_form_error(shops, root):
    # "big-co" is another name than "big_co" (on every backend's collation) but the same schema,
    # tenant_big_co: the form says so instead of failing on save.
    Customer.objects.create(name="big_co")
    response = root.post("/admin/shop/customer/add/", {"name": "big-co"})
    assert response.status_code == 200
    assert "is already in use" in str(response.context["adminform"].form.non_field_errors())
    assert Customer.objects.count() == 3
    assert root.post("/admin/shop/customer/add/", {"name": "initech"}).status_code == 302
    assert Product.for_tenant(Customer.objects.get(name="initech")).objects.count() == 0  # its tables exist


# Links to related objects: read-only relations, the delete confirmation ---------------------------


def test_read_only_relations_link_to_the_tenants_objects(shops, root, superuser, monkeypatch):
    acme, _ = shops
    monkeypatch.setattr(OrderAdmin, "readonly_fields", ["product", "buyer"])
    monkeypatch.setattr(StockInline, "readonly_fields", ["warehouse"])
    anvil = Product.for_tenant(acme).objects.get(name="anvil")
    order = Order.for_tenant(acme).objects.create(product=anvil, buyer=superuser)
    north = Warehouse.for_tenant(acme).objects.create(name="north")
    Stock.for_tenant(acme).objects.create(warehouse=north, product=anvil)
    choose(root, acme)
    html = root.get(f"/admin/shop/order/{order.pk}/change/").content.decode()
    assert f'<a href="/admin/shop/product/{anvil.pk}/change/">anvil</a>' in html
    assert f'<a href="/admin/auth/user/{superuser.pk}/change/">root</a>' in html  # a global model: Django's link
    html = root.get(f"/admin/shop/product/{anvil.pk}/change/").content.decode()  # in an inline
    assert f'<a href="/admin/shop/warehouse/{north.pk}/change/">Warehouse object ({north.pk})</a>' in html


def staff_member_of(tenant, *codenames):
    """A staff member of ``tenant`` with those of its permissions, and a client of theirs that chose it."""
    staff = User.objects.create_user("sam", password="sam-secret", is_staff=True)
    Membership.objects.create(tenant=tenant, user=staff)
    grant(staff, tenant, *codenames)
    client = Client(HTTP_HOST="example.com")
    client.force_login(staff)
    choose(client, tenant)
    return staff, client


def test_read_only_relations_link_where_the_user_may_view(shops, superuser):
    acme, _ = shops
    anvil = Product.for_tenant(acme).objects.get(name="anvil")
    order = Order.for_tenant(acme).objects.create(product=anvil, buyer=superuser)
    staff, client = staff_member_of(acme, "view_order")  # view only: every field of the order is read-only
    url, link = f"/admin/shop/order/{order.pk}/change/", f'<a href="/admin/shop/product/{anvil.pk}/change/">anvil</a>'
    html = client.get(url).content.decode()
    assert '<div class="readonly">anvil</div>' in html and link not in html
    grant(staff, acme, "view_product")
    assert link in client.get(url).content.decode()


def test_the_delete_confirmation_links_the_tenants_related_objects(shops, root, superuser):
    acme, _ = shops
    anvil = Product.for_tenant(acme).objects.get(name="anvil")
    order = Order.for_tenant(acme).objects.create(product=anvil, buyer=superuser)
    stock = Stock.for_tenant(acme).objects.create(
        warehouse=Warehouse.for_tenant(acme).objects.create(name="north"), product=anvil
    )
    choose(root, acme)
    delete_view = root.get(f"/admin/shop/product/{anvil.pk}/delete/")
    delete_selected = root.post("/admin/shop/product/", {"action": "delete_selected", "_selected_action": [anvil.pk]})
    # The action's page names the model by the declared label too (breadcrumbs, templates).
    assert delete_selected.status_code == 200 and '<a href="/admin/shop/">Shop</a>' in delete_selected.content.decode()
    assert delete_selected.template_name[0] == "admin/shop/product/delete_selected_confirmation.html"
    for page in (delete_view, delete_selected):
        html = page.content.decode()
        assert f'Produit: <a href="/admin/shop/product/{anvil.pk}/change/">anvil</a>' in html
        assert f'Order: <a href="/admin/shop/order/{order.pk}/change/">Order object ({order.pk})</a>' in html
        assert f"Stock: Stock object ({stock.pk})" in html  # not registered (an inline): no link, as in Django
        assert page.context["perms_lacking"] == set()
    assert Product.for_tenant(acme).objects.filter(pk=anvil.pk).exists()


def test_the_delete_confirmation_links_what_the_user_may_view(shops, superuser):
    acme, _ = shops
    anvil = Product.for_tenant(acme).objects.get(name="anvil")
    order = Order.for_tenant(acme).objects.create(product=anvil, buyer=superuser)
    staff, client = staff_member_of(acme, "view_product", "delete_product")
    url = f"/admin/shop/product/{anvil.pk}/delete/"
    assert client.get(url).context["perms_lacking"] == {"order"}  # Django's rule: its orders would go too
    grant(staff, acme, "delete_order")  # but not view_order: listed without a link
    page = client.get(url)
    assert page.context["perms_lacking"] == set()
    assert f"<li>Order: Order object ({order.pk})</li>" in page.content.decode()
    grant(staff, acme, "view_order")
    link = f'Order: <a href="/admin/shop/order/{order.pk}/change/">Order object ({order.pk})</a>'
    assert link in client.get(url).content.decode()


# Registration, checks, memory --------------------------------------------------------------------


def test_registering_a_tenants_class_or_a_plain_model_admin_is_refused(shops):
    acme, _ = shops
    site = TenantAdminSite(name="other")
    with pytest.raises(ImproperlyConfigured, match="register the declared model Product"):
        site.register(Product.for_tenant(acme))
    with pytest.raises(ImproperlyConfigured, match="subclass of tenancy.contrib.admin.TenantModelAdmin"):
        site.register(Product, admin.ModelAdmin)
    site.register(Product)
    with pytest.raises(admin.sites.AlreadyRegistered):
        site.register(Product)


def test_django_admin_checks_run_on_tenant_model_admins():
    from tenancy.contrib.admin import TenantModelAdmin

    site = TenantAdminSite(name="checked")

    class ProductAdmin(TenantModelAdmin):
        list_display = ["name", "no_such_field"]
        list_filter = ["archived"]

    site.register(Product, ProductAdmin)
    errors = site.check(None)
    assert [e.id for e in errors] == ["admin.E108"]
    assert "no_such_field" in errors[0].msg
    # The project's own admin (tests/shop/admin.py) passes them.
    assert admin.site.check(None) == []


def test_a_tenants_admins_go_with_its_classes(shops, root):
    from tenancy.registry import cache

    acme, _ = shops
    choose(root, acme)
    assert root.get("/admin/shop/product/").status_code == 200
    bound = weakref.ref(admin.site.get_model_admin(Product.for_tenant(acme)))
    cache.clear()
    acme.__dict__.pop("_tenancy_classes", None)
    acme.__dict__.pop("_tenancy_entry", None)
    gc.collect()
    assert bound() is None
