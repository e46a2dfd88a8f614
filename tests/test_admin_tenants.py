"""The tenant model in the admin (tenancy.contrib.admin.TenantAdmin): tenants added, renamed and
deleted with their schemas, on every backend (MySQL and MariaDB included, whose DDL commits)."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from tenancy.contrib.admin import TenantAdmin
from tenancy.contrib.admin.tenants import TenantAdminForm
from tenancy.schema import schema_in_use
from tests.shop.models import Customer, Order, Plan, Product

pytestmark = pytest.mark.usefixtures("admin_settings")  # tests/admin_fixtures.py


class FailingForm(TenantAdminForm):
    def _save_m2m(self):
        raise RuntimeError("an inline failed")


class FailingAdmin(TenantAdmin):
    """Fails after the tenant itself was saved, as saving an inline or a many-to-many field could."""

    form = FailingForm


def post_failing(user, path: str, data: dict) -> None:
    request = RequestFactory().post(path, data, HTTP_HOST="example.com")
    request.user, request._dont_enforce_csrf_checks = user, True
    object_id = path.split("/")[-3] if path.endswith("/change/") else None
    with pytest.raises(RuntimeError, match="an inline failed"):
        FailingAdmin(Customer, admin.site).changeform_view(request, object_id)


def test_adding_a_tenant_creates_its_tables(shops, root):
    response = root.post("/admin/shop/customer/add/", {"name": "initech"})
    assert response.status_code == 302
    initech = Customer.objects.get(name="initech")
    assert schema_in_use("default", "tenant_initech")
    Product.for_tenant(initech).objects.create(name="stapler", price=3)
    assert Product.for_tenant(initech).objects.count() == 1


def test_an_add_that_fails_after_the_tenant_was_made_leaves_nothing(shops, superuser):
    post_failing(superuser, "/admin/shop/customer/add/", {"name": "initech"})
    assert not Customer.objects.filter(name="initech").exists()
    assert not schema_in_use("default", "tenant_initech")


def test_changing_the_natural_key_renames_the_tenant(shops, root):
    acme, _ = shops
    response = root.post(f"/admin/shop/customer/{acme.pk}/change/", {"name": "acme_corp"})
    assert response.status_code == 302, response.context["adminform"].form.errors
    renamed = Customer.objects.get(pk=acme.pk)
    assert renamed.name == "acme_corp"
    assert sorted(Product.for_tenant(renamed).objects.values_list("name", flat=True)) == ["anvil", "rocket"]
    assert not schema_in_use("default", "tenant_acme")
    # and it can be changed again, other fields than the natural key too
    pro = Plan.objects.create(name="Pro")
    response = root.post(f"/admin/shop/customer/{acme.pk}/change/", {"name": "acme_corp", "plan": pro.pk})
    assert response.status_code == 302
    assert Customer.objects.get(pk=acme.pk).plan == pro


@pytest.mark.parametrize(
    "name, error",
    [("globex", "Customer with this Name already exists."), ("big-co", "is already in use")],
)
def test_a_rename_to_a_taken_name_or_schema_is_a_form_error(shops, root, name, error):
    acme, _ = shops
    Customer.objects.create(name="big_co")  # another name than "big-co", but the same schema
    response = root.post(f"/admin/shop/customer/{acme.pk}/change/", {"name": name})
    assert response.status_code == 200
    assert error in str(response.context["adminform"].form.errors)
    assert Customer.objects.get(pk=acme.pk).name == "acme"
    assert Product.for_tenant(acme).objects.count() == 2


def test_a_rename_that_fails_afterwards_is_undone(shops, superuser):
    acme, _ = shops
    post_failing(superuser, f"/admin/shop/customer/{acme.pk}/change/", {"name": "acme_corp"})
    acme = Customer.objects.get(pk=acme.pk)
    assert acme.name == "acme"
    assert Product.for_tenant(acme).objects.count() == 2
    assert not schema_in_use("default", "tenant_acme_corp")


def test_a_change_that_fails_afterwards_changes_nothing(shops, superuser):
    acme, _ = shops
    pro = Plan.objects.create(name="Pro")
    post_failing(superuser, f"/admin/shop/customer/{acme.pk}/change/", {"name": "acme", "plan": pro.pk})
    assert Customer.objects.get(pk=acme.pk).plan is None


def test_the_delete_confirmation_counts_the_tenants_data(shops, root):
    acme, _ = shops
    response = root.get(f"/admin/shop/customer/{acme.pk}/delete/")
    assert response.status_code == 200
    assert "tenant_acme, with" in str(response.context["deleted_objects"])
    counts = {str(name): count for name, count in response.context["model_count"]}
    assert counts[str(Product._meta.verbose_name_plural)] == 2
    assert str(Order._meta.verbose_name_plural) not in counts  # none to delete
    assert root.post(f"/admin/shop/customer/{acme.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not Customer.objects.filter(pk=acme.pk).exists()
    assert not schema_in_use("default", "tenant_acme")


def test_the_changelist_shows_each_tenants_schema(shops, root):
    response = root.get("/admin/shop/customer/")
    assert response.status_code == 200
    assert "tenant_globex" in response.content.decode()
