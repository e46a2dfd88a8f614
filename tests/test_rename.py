"""rename_tenant: a new natural key and schema name, every row kept, nothing left under the old name."""

import pytest
from django import forms
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from tenancy.contrib.domains.models import Domain
from tenancy.lookup import lookup
from tenancy.models import AppliedTenantMigration
from tenancy.rename import rename_tenant
from tenancy.routing import Route
from tests.shop.models import Comment, Customer, Plan, Product
from tests.utils import tables, tenant_rows


def test_rename_keeps_every_row(acme_data, globex):
    before, globex_before = tenant_rows(acme_data), tenant_rows(globex)
    old_tables = tables(acme_data.db_schema)
    migrations = AppliedTenantMigration.objects.filter(schema=acme_data.db_schema).count()
    Domain.objects.create(tenant=acme_data, domain="acme.test")
    renamed = rename_tenant(Customer.objects.get(name="acme"), name="acmecorp")
    assert renamed.db_schema == "tenant_acmecorp" and renamed.pk == acme_data.pk
    assert tables("tenant_acme") == set() and len(tables("tenant_acmecorp")) == len(old_tables)
    fresh = Customer.objects.get(pk=acme_data.pk)
    assert fresh.name == "acmecorp"
    assert tenant_rows(fresh) == before and tenant_rows(globex) == globex_before
    assert AppliedTenantMigration.objects.filter(schema="tenant_acmecorp").count() == migrations > 0
    assert not AppliedTenantMigration.objects.filter(schema="tenant_acme").exists()
    assert Permission.objects.filter(content_type__app_label="tenant_acmecorp:shop").exists()
    assert not Permission.objects.filter(content_type__app_label="tenant_acme:shop").exists()
    assert Domain.objects.get(domain="acme.test").tenant_id == fresh.pk
    comment = Comment.for_tenant(fresh).objects.get(body="on a tenant row")
    assert type(comment.content_object) is Product.for_tenant(fresh)  # its content type followed
    Product.for_tenant(fresh).objects.create(name="after")  # a tenant like any other, sequences too
    fresh.save()  # saving it again raises nothing: its schema is the new one


def test_the_old_key_routes_nowhere_and_the_new_one_to_the_tenant(acme):
    assert lookup.get("default", Route("acme")).tenant.pk == acme.pk
    rename_tenant(acme, name="acmecorp")
    assert lookup.get("default", Route("acme")).tenant is None
    assert lookup.get("default", Route("acmecorp")).tenant.pk == acme.pk
    lookup.clear()


@pytest.mark.parametrize(("name", "message"), [("globex", "already exists"), ("Not valid!", "not a valid schema name")])
def test_a_refused_rename_changes_nothing(acme_data, globex, name, message):
    before = tenant_rows(acme_data)
    with pytest.raises(ValidationError, match=message):
        rename_tenant(acme_data, name=name)
    assert Customer.objects.get(pk=acme_data.pk).name == "acme"
    assert tenant_rows(Customer.objects.get(pk=acme_data.pk)) == before


def test_the_command(acme_data):
    pro = Plan.objects.create(name="Pro")
    call_command("renametenant", "acme", "--name", "acmecorp", "--plan", str(pro.pk), stdout=None)
    assert Customer.objects.get(name="acmecorp").plan == pro
    with pytest.raises(CommandError, match="natural key"):
        call_command("renametenant", "acmecorp")


def test_a_model_form_reports_a_new_natural_key_instead_of_failing_on_save(acme):
    # Saving never moves a schema: a plain ModelForm says so, as an error on the form.
    form = forms.modelform_factory(Customer, fields=["name"])({"name": "acmecorp"}, instance=acme)
    assert not form.is_valid()
    [error] = form.non_field_errors().as_data()
    assert error.code == "schema_changed" and error.params["new"] == "tenant_acmecorp"
    assert Customer.objects.get(pk=acme.pk).name == "acme"


def test_validate_unique_checks_the_new_schema_of_a_rename(acme, globex):
    acme.name = "acmecorp"
    with pytest.raises(ValidationError, match="would move it"):
        acme.validate_unique()
    acme.validate_unique(rename=True)  # a free, valid schema name
    acme.name = "GLOBEX"  # another name (on a case-sensitive collation), but globex's schema
    with pytest.raises(ValidationError, match="already in use|already exists"):
        acme.validate_unique(rename=True)
