"""Model forms and formsets over tenant models: bound to a tenant, choices limited to its rows."""

import gc
import weakref

import pytest
from django import forms

from tenancy.forms import (
    TenantModelChoiceField,
    TenantModelForm,
    TenantModelMultipleChoiceField,
    tenant_inlineformset_factory,
    tenant_modelform_factory,
    tenant_modelformset_factory,
)
from tests.shop.models import Invoice, Order, Product, Tag


class OrderForm(TenantModelForm):
    class Meta:
        model = Order
        fields = ["product", "quantity", "buyer", "tags"]


class CheapOrderForm(OrderForm):
    product = TenantModelChoiceField(Product, limit_choices_to={"price__lt": 10})
    labels = TenantModelMultipleChoiceField(Tag, required=False)


@pytest.fixture
def shops(acme, globex):
    for tenant, names in ((acme, ["anvil", "bolt"]), (globex, ["rocket"])):
        for price, name in enumerate(names):
            Product.for_tenant(tenant).objects.create(name=name, price=price * 20)
        Tag.for_tenant(tenant).objects.create(label=f"{tenant.name}-tag")
    return acme, globex


def labels(field):
    return [getattr(row, "label", None) or row.name for row in field.queryset]


def test_a_form_declared_on_the_declared_model_is_bound_to_a_tenant(shops, user):
    acme, globex = shops
    form = OrderForm(tenant=acme)
    assert form._meta.model is Order.for_tenant(acme)
    assert labels(form.fields["product"]) == ["anvil", "bolt"]
    assert labels(form.fields["tags"]) == ["acme-tag"]
    assert labels(OrderForm(tenant=globex).fields["product"]) == ["rocket"]
    assert OrderForm.for_tenant(acme) is OrderForm.for_tenant(acme)  # made once per tenant class
    assert isinstance(form, OrderForm)


def test_another_tenants_key_is_not_a_valid_choice(shops, user):
    acme, globex = shops
    rocket = Product.for_tenant(globex).objects.get()
    tag = Tag.for_tenant(globex).objects.get()
    spare = Product.for_tenant(globex).objects.create(pk=50, name="spare")  # a key acme has no product with
    form = OrderForm({"product": spare.pk, "quantity": 1, "buyer": user.pk, "tags": [tag.pk + 10]}, tenant=acme)
    assert not form.is_valid()
    assert "Select a valid choice" in form.errors["product"][0]
    assert "tags" in form.errors
    anvil = Product.for_tenant(acme).objects.get(name="anvil")
    form = OrderForm({"product": anvil.pk, "quantity": 3, "buyer": user.pk}, tenant=acme)
    assert form.is_valid(), form.errors
    order = form.save()
    assert type(order) is Order.for_tenant(acme) and order.product == anvil
    assert not Order.for_tenant(globex).objects.exists() and rocket.pk


def test_an_instance_brings_its_tenant(shops, user):
    acme, globex = shops
    order = Order.for_tenant(acme).objects.create(product=Product.for_tenant(acme).objects.first(), buyer=user)
    form = OrderForm({"product": order.product_id, "quantity": 4, "buyer": user.pk}, instance=order)
    assert form.is_valid() and form.save().quantity == 4
    with pytest.raises(ValueError, match="not a row of"):
        OrderForm(instance=order, tenant=globex)


def test_a_form_needs_a_tenant():
    with pytest.raises(TypeError, match="pass tenant="):
        OrderForm()


def test_declared_choice_fields_are_bound_too(shops):
    acme, _ = shops
    form = CheapOrderForm(tenant=acme)
    assert labels(form.fields["product"]) == ["anvil"]  # limit_choices_to: price < 10
    assert labels(form.fields["labels"]) == ["acme-tag"]
    assert CheapOrderForm.base_fields["product"].queryset is None  # the declared form stays unbound


def test_modelform_factory(shops):
    acme, globex = shops
    form_class = tenant_modelform_factory(globex, Product, fields=["name", "price"])
    form = form_class({"name": "magnet", "price": "3.50"})
    assert form.is_valid(), form.errors
    form.save()
    assert sorted(Product.for_tenant(globex).objects.values_list("name", flat=True)) == ["magnet", "rocket"]
    assert Product.for_tenant(acme).objects.count() == 2
    bound = tenant_modelform_factory(acme, Order, form=OrderForm, fields=["product"])
    assert labels(bound().fields["product"]) == ["anvil", "bolt"]


def test_modelformset_saves_into_the_tenant(shops):
    acme, globex = shops
    formset_class = tenant_modelformset_factory(acme, Product, fields=["name", "price"], extra=1)
    initial = formset_class()
    assert [f.instance.name for f in initial.forms if f.instance.pk] == ["anvil", "bolt"]
    anvil, bolt = Product.for_tenant(acme).objects.order_by("name")
    data = {
        "form-TOTAL_FORMS": "3",
        "form-INITIAL_FORMS": "2",
        "form-0-id": anvil.pk,
        "form-0-name": "anvil XL",
        "form-0-price": "1",
        "form-1-id": bolt.pk,
        "form-1-name": "bolt",
        "form-1-price": "20",
        "form-2-name": "crate",
        "form-2-price": "5",
    }
    formset = formset_class(data)
    assert formset.is_valid(), formset.errors
    formset.save()
    assert sorted(Product.for_tenant(acme).objects.values_list("name", flat=True)) == ["anvil XL", "bolt", "crate"]
    assert list(Product.for_tenant(globex).objects.values_list("name", flat=True)) == ["rocket"]


def test_a_formset_cannot_edit_another_tenants_row(shops):
    acme, globex = shops
    extra = Product.for_tenant(globex).objects.create(name="extra")
    formset_class = tenant_modelformset_factory(acme, Product, fields=["name"], extra=0)
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": extra.pk + 100, "form-0-name": "x"}
    formset = formset_class(data)
    assert not formset.is_valid()
    assert Product.for_tenant(globex).objects.get(pk=extra.pk).name == "extra"


def test_inline_formset(shops, user):
    acme, globex = shops
    anvil = Product.for_tenant(acme).objects.get(name="anvil")
    order = Order.for_tenant(acme).objects.create(product=anvil, buyer=user)
    formset_class = tenant_inlineformset_factory(acme, Order, Invoice, fields=["number"], extra=1, max_num=1)
    data = {"invoice-TOTAL_FORMS": "1", "invoice-INITIAL_FORMS": "0", "invoice-0-number": "F-1"}
    formset = formset_class(data, instance=order)
    assert formset.is_valid(), formset.errors
    formset.save()
    assert Invoice.for_tenant(acme).objects.get().order == order
    assert not Invoice.for_tenant(globex).objects.exists()
    with pytest.raises(ValueError, match="not of globex"):
        tenant_inlineformset_factory(globex, Order.for_tenant(acme), Invoice, fields=["number"])


def test_plain_forms_of_global_models_pass_through(shops):
    acme, _ = shops
    from django.contrib.auth.models import Group

    form_class = tenant_modelform_factory(acme, Group, fields=["name"])
    assert form_class._meta.model is Group
    assert issubclass(form_class, forms.ModelForm)


def test_bound_forms_go_with_their_tenants_classes(shops):
    from tenancy.registry import cache

    acme, _ = shops
    bound = weakref.ref(OrderForm.for_tenant(acme))
    cache.clear()
    acme.__dict__.pop("_tenancy_classes", None)
    gc.collect()
    assert bound() is None
