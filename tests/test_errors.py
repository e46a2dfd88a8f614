"""Bad input gets a specific error and leaves no schema, table or row behind."""

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import connection
from django.test import override_settings

from tenancy.utils import get_tenant_model
from tests.shop.models import Customer, Product
from tests.utils import tables

BAD_KEYS = {
    "quote": "ac'me",
    "double quote": 'ac"me',
    "dot": "ac.me",
    "space": "ac me",
    "sql": "x; DROP TABLE auth_user; --",
    "non-ascii": "café",
}


def assert_nothing_created():
    assert tables() == set()
    assert not Customer.objects.exists()


@pytest.mark.parametrize("key", BAD_KEYS.values(), ids=BAD_KEYS.keys())
def test_invalid_natural_key(db, key):
    with pytest.raises(ValidationError, match="not a valid schema name") as excinfo:
        Customer.objects.create(name=key)
    assert excinfo.value.error_list[0].code == "invalid_schema_name"
    assert_nothing_created()


@pytest.mark.parametrize("key", ["", None])
def test_empty_natural_key(db, key):
    with pytest.raises(ValidationError, match="empty part") as excinfo:
        Customer(name=key).save()
    assert excinfo.value.error_list[0].code == "empty_natural_key"
    assert_nothing_created()


def test_natural_key_is_lowercased_and_hyphens_become_underscores(db):
    assert Customer.objects.create(name="Acme-Corp").db_schema == "tenant_acme_corp"


def test_too_long_identifier(db):
    limit = connection.ops.max_name_length()
    if limit is None:
        pytest.skip(f"{connection.display_name} sets no limit on identifiers")
    from tenancy.factory import tenant_tables

    longest_table = max(tenant_tables(connection), key=len)
    assert longest_table == "members_member_user_permissions"
    name = "a" * (limit - len("tenant_") + 1)
    if connection.vendor != "postgresql":
        name = "a" * (limit - len("tenant__" + longest_table) + 1)
    with pytest.raises(ValidationError, match="too long") as excinfo:
        Customer.objects.create(name=name)
    assert excinfo.value.error_list[0].code == "schema_name_too_long"
    assert_nothing_created()
    Customer.objects.create(name=name[:-1])  # one byte less fits


def test_sixty_three_bytes_is_the_postgresql_limit(db):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's limit")
    Customer.objects.create(name="a" * (63 - len("tenant_")))
    with pytest.raises(ValidationError, match="64 bytes"):
        Customer.objects.create(name="b" * (64 - len("tenant_")))


def test_reserved_postgresql_names(db, settings):
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL reserves pg_*")
    settings.TENANCY_SCHEMA_PREFIX = ""
    with pytest.raises(ValidationError, match="reserves names starting with 'pg_'") as excinfo:
        Customer.objects.create(name="pg_catalog2")
    assert excinfo.value.error_list[0].code == "reserved_schema_name"
    assert_nothing_created()


def test_two_keys_mapping_to_one_schema(db):
    Customer.objects.create(name="acme-corp")
    before = tables()
    with pytest.raises(ValidationError, match="already in use") as excinfo:
        Customer.objects.create(name="acme_corp")
    assert excinfo.value.error_list[0].code == "schema_in_use"
    assert tables() == before
    assert list(Customer.objects.values_list("name", flat=True)) == ["acme-corp"]


def test_same_tenant_twice(acme):
    before = tables()
    with pytest.raises(ValidationError, match="already exists"):
        Customer.objects.create(name="acme")
    assert tables() == before
    assert Customer.objects.count() == 1


def test_schema_taken_by_something_else(db):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CREATE SCHEMA tenant_squatter")
    else:
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE TABLE {connection.ops.quote_name('tenant_squatter_shop_tag')} (id integer)")
    try:
        with pytest.raises(ValidationError, match="already in use"):
            Customer.objects.create(name="squatter")
        assert not Customer.objects.exists()
    finally:
        if connection.vendor == "mysql":
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE tenant_squatter_shop_tag")


def test_changing_the_natural_key_of_a_tenant_is_refused(acme):
    acme.name = "acme2"
    with pytest.raises(ValidationError, match="would move it from schema 'tenant_acme' to 'tenant_acme2'"):
        acme.save()
    assert Customer.objects.get().name == "acme"
    loaded = Customer.objects.get()
    loaded.name = "other"
    with pytest.raises(ValidationError, match="schema_changed|would move"):
        loaded.save()
    deferred = Customer.objects.only("pk").get()
    deferred.name = "other"
    with pytest.raises(ValidationError, match="would move"):
        deferred.save()


def test_queryset_update_of_the_natural_key_is_refused(acme, globex):
    with pytest.raises(ValidationError, match="would move") as excinfo:
        Customer.objects.filter(name="acme").update(name="acme2")
    assert excinfo.value.error_list[0].code == "schema_changed"
    assert sorted(Customer.objects.values_list("name", flat=True)) == ["acme", "globex"]
    assert Customer.objects.filter(name="globex").update(name="GLOBEX") == 1  # same schema: tenant_globex


def test_bulk_create_refuses_two_tenants_sharing_a_schema(db):
    with pytest.raises(ValidationError, match="share the schema 'tenant_a_b'"):
        Customer.objects.bulk_create([Customer(name="a-b"), Customer(name="a_b")])
    assert_nothing_created()


def test_non_key_changes_save_normally(db):
    from tests.shop.models import Customer as Tenant

    tenant = Tenant.objects.create(name="acme")
    tenant.save()
    assert Product.for_tenant(Tenant.objects.get()).objects.count() == 0


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("shop", "must be of the form 'app_label.ModelName'"),
        ("shop.Nope", "has not been installed"),
        ("nope.Customer", "has not been installed"),
        ("auth.User", "not a subclass of tenancy.models.AbstractTenant"),
    ],
)
def test_bad_tenant_model_setting(value, message):
    with override_settings(TENANCY_TENANT_MODEL=value):
        with pytest.raises(ImproperlyConfigured, match=message):
            get_tenant_model()
        errors = checks.run_checks()
    assert [e.id for e in errors if e.id.startswith("tenancy.")] == ["tenancy.E001"]
    assert message.split("'")[0] in [e.msg for e in errors if e.id == "tenancy.E001"][0]


def test_missing_tenant_model_setting_uses_the_default(settings):
    del settings.TENANCY_TENANT_MODEL
    errors = [e for e in checks.run_checks() if e.id.startswith("tenancy.")]
    # tenancy.Tenant is swapped out in this project (its table does not exist), so the default
    # still names an installed AbstractTenant subclass and the check passes.
    assert errors == []
    assert get_tenant_model()._meta.label == "tenancy.Tenant"


def test_settings_checks(settings):
    settings.TENANCY_CACHE_SIZE = 0
    settings.TENANCY_SCHEMA_PREFIX = "Bad-Prefix"
    ids = sorted(e.id for e in checks.run_checks() if e.id.startswith("tenancy."))
    assert ids == ["tenancy.E003", "tenancy.E004"]


def test_tenant_model_without_natural_key_is_reported():
    from django.apps import apps
    from django.db import models

    from tenancy.models import AbstractTenant

    class Keyless(AbstractTenant):
        name = models.CharField(max_length=10)

        class Meta:
            app_label = "shop"

    try:
        with override_settings(TENANCY_TENANT_MODEL="shop.Keyless"):
            errors = [e for e in checks.run_checks() if e.id.startswith("tenancy.")]
        assert [e.id for e in errors] == ["tenancy.E002"]
    finally:
        del apps.all_models["shop"]["keyless"]
        apps.clear_cache()
