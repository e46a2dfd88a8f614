"""Export a tenant, import it as a new one (here or in another database), clone it: row by row."""

import json
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tenancy.transfer import clone_tenant, export_tenant, import_tenant
from tests.shop.models import Customer, Order, Plan, Product
from tests.utils import tables, tenant_rows


def exported(tenant) -> StringIO:
    out = StringIO()
    export_tenant(tenant, out)
    out.seek(0)
    return out


def test_export_then_import_as_a_new_tenant(acme_data):
    before = tenant_rows(acme_data)
    payload = json.load(exported(acme_data))
    assert payload["tenant"] == {"name": "acme", "plan_id": None}  # no plan: nothing to name it by
    assert {r["model"] for r in payload["records"]} == {
        "shop.product",
        "shop.tag",
        "shop.order",
        "shop.invoice",
        "shop.comment",
    }
    copy = import_tenant(exported(acme_data), name="acme-copy")
    assert copy.name == "acme-copy" and copy.db_schema != acme_data.db_schema
    assert tenant_rows(copy) == before
    assert tenant_rows(acme_data) == before  # the source is unchanged
    # The copy is a tenant like any other: its relations and sequences are its own.
    order = Order.for_tenant(copy).objects.get(quantity=2)
    assert type(order.product) is Product.for_tenant(copy)
    assert Product.for_tenant(copy).objects.create(name="new").pk > Product.for_tenant(acme_data).objects.count()


def test_clone(acme_data):
    before = tenant_rows(acme_data)
    clone = clone_tenant(acme_data, name="acme2")
    assert tenant_rows(clone) == before == tenant_rows(acme_data)
    with pytest.raises(ValidationError):
        clone_tenant(acme_data, name="acme2")  # the name is taken: nothing is made
    assert Customer.objects.count() == 2


@pytest.mark.django_db(databases=["default", "other"], transaction=True)
def test_import_into_another_database(acme_data, delete_tenants):
    # Global rows are found by their natural keys in the target database.
    User.objects.using("other").create(username="bob")
    Group.objects.using("other").create(name="vip")
    copy = import_tenant(exported(acme_data), using="other")
    assert copy._state.db == "other" and copy.name == "acme"
    rows = tenant_rows(copy)
    buyers = {row["buyer_id"] for row in rows["shop.Order"]}
    assert buyers == {User.objects.using("other").get(username="bob").pk}
    for label in rows:
        for row in rows[label]:
            row.pop("buyer_id", None)
    expected = tenant_rows(acme_data)
    for label in expected:
        for row in expected[label]:
            row.pop("buyer_id", None)
    comments = rows.pop("shop.Comment"), expected.pop("shop.Comment")
    assert rows == expected
    assert [c["body"] for c in comments[0]] == [c["body"] for c in comments[1]]
    Customer.objects.using("other").all().delete()


def test_a_failed_import_leaves_nothing(acme_data):
    payload = json.load(exported(acme_data))
    payload["records"][-1]["fields"]["body"] = None  # a NOT NULL column: the last row fails
    names = set(Customer.objects.values_list("name", flat=True))
    with pytest.raises(Exception):  # noqa: B017  (the database's IntegrityError)
        import_tenant(StringIO(json.dumps(payload)), name="broken")
    assert set(Customer.objects.values_list("name", flat=True)) == names
    assert not tables("tenant_broken")


@pytest.mark.django_db(transaction=True)
def test_a_failed_import_keeps_no_classes_of_the_tenant_it_did_not_make(acme_data, delete_tenants):
    import gc

    from django.db.models.base import ModelBase

    from tenancy.registry import cache

    if not connection.features.can_rollback_ddl:
        pytest.skip("a transaction of its own: PostgreSQL and SQLite")
    payload = json.load(exported(acme_data))
    payload["records"][-1]["fields"]["body"] = None
    with pytest.raises(Exception):  # noqa: B017
        import_tenant(StringIO(json.dumps(payload)), name="broken")
    cache.clear()
    gc.collect()
    assert not [
        o
        for o in gc.get_objects()
        if issubclass(type(o), ModelBase)
        and getattr(o.__dict__.get("_tenancy_tenant"), "db_schema", None) == "tenant_broken"
    ]


def test_not_an_export():
    with pytest.raises(ValueError, match="Not a tenancy tenant export"):
        import_tenant(StringIO('[{"model": "shop.product"}]'))


def test_the_commands(acme_data, tmp_path):
    path = tmp_path / "acme.json"
    call_command("exporttenant", "acme", "-o", str(path), stderr=StringIO())
    out = StringIO()
    pro = Plan.objects.create(name="Pro")
    call_command("importtenant", str(path), "--name", "imported", "--plan", str(pro.pk), stdout=out)
    assert "Imported tenant imported" in out.getvalue()
    call_command("clonetenant", "acme", "--name", "cloned", "--plan", str(pro.pk), stdout=out)
    expected = tenant_rows(acme_data)
    for name in ("imported", "cloned"):
        assert tenant_rows(Customer.objects.get(name=name)) == expected
        assert Customer.objects.get(name=name).plan == pro  # a foreign key given as an option
    with pytest.raises(CommandError, match="already exists"):
        call_command("importtenant", str(path))  # acme exists
    with pytest.raises(CommandError, match="natural key"):
        call_command("clonetenant", "acme")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("importtenant", str(tmp_path / "missing.json"))


def test_a_tenant_foreign_key_travels_by_natural_key(acme_data, tmp_path):
    pro, basic = Plan.objects.create(name="Pro"), Plan.objects.create(name="Basic")
    Customer.objects.filter(pk=acme_data.pk).update(plan=pro)
    path = tmp_path / "acme.json"
    call_command("exporttenant", "acme", "-o", str(path), stderr=StringIO())
    payload = json.loads(path.read_text())
    assert payload["tenant"]["plan"] == ["Pro"] and "plan_id" not in payload["tenant"]
    call_command("importtenant", str(path), "--name", "imported", stdout=StringIO())
    assert Customer.objects.get(name="imported").plan == pro
    call_command("importtenant", str(path), "--name", "basic", "--plan", str(basic.pk), stdout=StringIO())
    assert Customer.objects.get(name="basic").plan == basic  # the option wins over the file
    payload["tenant"]["plan"] = ["Gold"]
    path.write_text(json.dumps(payload))
    with pytest.raises(CommandError, match="plan \\['Gold'\\] is not in database 'default'"):
        call_command("importtenant", str(path), "--name", "gold", stdout=StringIO())
    assert not Customer.objects.filter(name="gold").exists()
