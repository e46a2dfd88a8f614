"""createtenant, deletetenant, listtenants and tenant_command (dumpdata/loaddata round trip)."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tenancy.management.commands.createtenant import Command as CreateTenant
from tests.shop.models import Comment, Customer, Order, Plan, Product
from tests.utils import tables, tenant_rows


def run(*args, **kwargs) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO(), **kwargs)
    return out.getvalue()


@pytest.fixture
def answers(monkeypatch):
    """What the user types at the command's prompts, in order."""
    given = []
    monkeypatch.setattr("builtins.input", lambda prompt="": given.pop(0))
    return given


# createtenant ------------------------------------------------------------------------------------


def test_createtenant_with_options(db):
    out = run("createtenant", "--name", "acme", "--noinput")
    acme = Customer.objects.get(name="acme")
    assert f"Created tenant acme (schema {acme.db_schema})" in out
    assert Product.for_tenant(acme).objects.count() == 0  # its tables exist


def test_createtenant_asks_again_after_a_bad_answer(db, answers):
    answers += ["", "Not a slug!", "globex"]
    run("createtenant")
    assert list(Customer.objects.values_list("name", flat=True)) == ["globex"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--noinput"], "name: This field cannot be blank"),
        (["--name", "Not a slug!", "--noinput"], "--name: Enter a valid"),
        (["--name", "acme", "--noinput"], "Customer with this Name already exists"),
    ],
)
def test_createtenant_refuses_bad_input_and_makes_nothing(db, acme, args, message):
    with pytest.raises(CommandError, match=message):
        run("createtenant", *args)
    assert list(Customer.objects.values_list("name", flat=True)) == ["acme"]


def test_createtenant_takes_a_foreign_key_as_the_rows_key(db):
    pro = Plan.objects.create(name="Pro")
    run("createtenant", "--name", "acme", "--plan", str(pro.pk), "--noinput")
    assert Customer.objects.get(name="acme").plan == pro
    with pytest.raises(CommandError, match=f"--plan: plan instance with id {pro.pk + 1} is not a valid choice"):
        run("createtenant", "--name", "globex", "--plan", str(pro.pk + 1), "--noinput")
    with pytest.raises(CommandError, match="--plan: .*must be an integer"):
        run("createtenant", "--name", "globex", "--plan", "pro", "--noinput")
    assert list(Customer.objects.values_list("name", flat=True)) == ["acme"]
    help = " ".join(CreateTenant().create_parser("manage.py", "createtenant").format_help().split())
    assert "--plan PLAN The tenant's plan (the primary key of a plan)." in help


def test_createtenant_asks_for_a_required_foreign_key(db, answers, monkeypatch):
    monkeypatch.setattr(Customer._meta.get_field("plan"), "null", False)
    monkeypatch.setattr(Customer._meta.get_field("plan"), "blank", False)
    pro = Plan.objects.create(name="Pro")
    prompts = []
    monkeypatch.setattr("builtins.input", lambda prompt="": prompts.append(prompt) or answers.pop(0))
    answers += ["globex", "999999", str(pro.pk)]
    run("createtenant")
    assert prompts == ["Name: ", "Plan (the primary key of a plan): ", "Plan (the primary key of a plan): "]
    assert Customer.objects.get(name="globex").plan == pro


# deletetenant ------------------------------------------------------------------------------------


def test_deletetenant_asks_first(db, acme, globex, answers):
    answers.append("no")
    with pytest.raises(CommandError, match="cancelled"):
        run("deletetenant", "acme")
    assert Customer.objects.count() == 2
    answers.append("yes")
    out = run("deletetenant", "acme")
    assert "Deleted tenant acme" in out
    assert list(Customer.objects.values_list("name", flat=True)) == ["globex"]
    assert tables(acme.db_schema) == set() and tables(globex.db_schema)


def test_deletetenant_noinput_and_unknown_keys(db, acme, globex):
    with pytest.raises(CommandError, match="'nobody'"):
        run("deletetenant", "acme", "nobody", "--noinput")
    assert Customer.objects.count() == 2  # nothing deleted when one key is wrong
    run("deletetenant", "acme", globex.db_schema, "--noinput")
    assert not Customer.objects.exists()


# listtenants -------------------------------------------------------------------------------------


def test_listtenants_formats(db, acme, globex, django_assert_num_queries):
    pro = Plan.objects.create(name="Pro")
    Customer.objects.filter(pk=acme.pk).update(plan=pro)
    with django_assert_num_queries(1):  # a foreign key shows its row's key, without a query per tenant
        table = run("listtenants")
    assert table.splitlines()[0].split() == ["pk", "schema", "name", "plan"]
    assert "(2 tenants)" in table and acme.db_schema in table
    rows = json.loads(run("listtenants", "--format", "json"))
    assert [(r["pk"], r["schema"], r["name"], r["plan"]) for r in rows] == [
        (acme.pk, acme.db_schema, "acme", pro.pk),
        (globex.pk, globex.db_schema, "globex", None),
    ]
    assert run("listtenants", "--format", "csv").splitlines() == [
        "pk,schema,name,plan",
        f"{acme.pk},{acme.db_schema},acme,{pro.pk}",
        f"{globex.pk},{globex.db_schema},globex,",
    ]


# tenant_command ----------------------------------------------------------------------------------


def test_dumpdata_of_one_tenant_loads_into_another_exactly(acme_data, globex, tmp_path):
    dump = tmp_path / "acme.json"
    run("tenant_command", "--tenant", "acme", "dumpdata", "--indent", "1", "-o", str(dump))
    records = json.loads(dump.read_text())
    assert {r["model"] for r in records} == {
        "shop.product",
        "shop.tag",
        "shop.order",
        "shop.invoice",
        "shop.comment",
    }  # the tenant's models under their declared labels, not the global ones
    run("tenant_command", "--tenant", "globex", "loaddata", str(dump))
    again = tmp_path / "globex.json"
    run("tenant_command", "--tenant", "globex", "dumpdata", "--indent", "1", "-o", str(again))
    assert json.loads(again.read_text()) == records
    # Row by row, in globex's own tables, relations within globex.
    assert tenant_rows(globex) == tenant_rows(acme_data)  # row by row, relations within globex
    on_anvil = Comment.for_tenant(globex).objects.get(body="on a tenant row")
    assert type(on_anvil.content_object) is Product.for_tenant(globex)
    tags = Order.for_tenant(globex).objects.get(quantity=2).tags.values_list("label", flat=True)
    assert sorted(tags) == ["blue", "red"]
    # The sequences moved past the loaded keys: new rows get new ones.
    assert Product.for_tenant(globex).objects.create(name="crate").pk > max(r["pk"] for r in records)


def test_the_registry_is_restored_after_the_command(acme_data, tmp_path):
    from django.apps import apps

    before = {label: dict(models) for label, models in apps.all_models.items()}
    with pytest.raises(Exception):  # noqa: B017  (a failing command restores it too)
        run("tenant_command", "--tenant", "acme", "loaddata", str(tmp_path / "missing.json"))
    run("tenant_command", "--tenant", "acme", "dumpdata", "-o", str(tmp_path / "x.json"))
    assert {label: dict(models) for label, models in apps.all_models.items()} == before
    assert Product.for_tenant(acme_data)._meta.app_label == f"{acme_data.db_schema}:shop"


def test_every_tenant_with_a_file_each(acme_data, globex, tmp_path):
    Product.for_tenant(globex).objects.create(name="rocket")
    run("tenant_command", "--all-tenants", "dumpdata", "shop.Product", "-o", str(tmp_path / "{schema}.json"))
    names = {
        tenant.name: [r["fields"]["name"] for r in json.loads((tmp_path / f"{tenant.db_schema}.json").read_text())]
        for tenant in (acme_data, globex)
    }
    assert names == {"acme": ["anvil", "bolt"], "globex": ["rocket"]}


def test_tenant_command_errors(db, acme):
    with pytest.raises(CommandError, match="Unknown command"):
        run("tenant_command", "--tenant", "acme", "nosuchcommand")
    with pytest.raises(CommandError, match="'nobody'"):
        run("tenant_command", "--tenant", "nobody", "dumpdata")


def test_the_tenants_classes_are_not_kept_by_the_command(acme_data, globex, tmp_path):
    import gc

    from django.db.models.base import ModelBase

    from tenancy.registry import cache

    schemas = {acme_data.db_schema, globex.db_schema}

    def alive():  # type(o), not isinstance(): isinstance() would make lazy objects set themselves up
        return {
            id(o): o
            for o in gc.get_objects()
            if issubclass(type(o), ModelBase)
            and getattr(o.__dict__.get("_tenancy_tenant"), "db_schema", None) in schemas
        }

    before = alive()  # classes other tests may have left (held here, so that their ids stay theirs)
    dump = tmp_path / "acme.json"
    run("tenant_command", "--tenant", "acme", "dumpdata", "-o", str(dump))
    run("tenant_command", "--tenant", "globex", "loaddata", str(dump))
    cache.clear()
    for tenant in (acme_data, globex):
        tenant.__dict__.pop("_tenancy_classes", None)
    gc.collect()
    left = [o for key, o in alive().items() if key not in before]
    assert [o.__name__ for o in left] == []
