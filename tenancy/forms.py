"""Model forms and formsets over tenant models: declared once, bound to a tenant when used.

A ``ModelForm`` cannot be built on a declared tenant model (``Order`` has no table, and its
relations point at models that have no rows). Declare it as a :class:`TenantModelForm` instead,
and it is bound to a tenant's class when it is used::

    class OrderForm(TenantModelForm):
        class Meta:
            model = Order                 # the declared tenant model
            fields = ["product", "quantity"]

    form = OrderForm(request.POST, tenant=request.tenant)   # or OrderForm.for_tenant(acme)(...)
    form = OrderForm(instance=order)                         # the tenant of the instance

The bound form is an ordinary ``ModelForm`` of ``Order.for_tenant(acme)``: its choice fields
for relations to other tenant models offer that tenant's rows only, and refuse another tenant's
primary key as "Select a valid choice". Relations to global models (``auth.User``) keep their
global choices. The factories below do the same for ``modelform_factory`` and the formsets.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.forms import models as model_forms

from .binding import DefersDeclaredModel, bound_subclass, tenant_class
from .tenants import AbstractTenant

__all__ = [
    "TenantModelChoiceField",
    "TenantModelForm",
    "TenantModelMultipleChoiceField",
    "tenant_class",
    "tenant_inlineformset_factory",
    "tenant_modelform_factory",
    "tenant_modelformset_factory",
]


class TenantModelChoiceField(forms.ModelChoiceField):
    """A choice among a tenant's rows of a declared tenant model, for a :class:`TenantModelForm`'s
    own fields: ``product = TenantModelChoiceField(Product, limit_choices_to={"archived": False})``."""

    def __init__(self, model: type[models.Model], **kwargs: Any):
        self.declared_model = model
        super().__init__(queryset=None, **kwargs)

    def bound_to(self, tenant: AbstractTenant) -> forms.ModelChoiceField:
        field = self.__deepcopy__({})
        field.queryset = tenant_class(self.declared_model, tenant)._default_manager.all()
        return field


class TenantModelMultipleChoiceField(TenantModelChoiceField, forms.ModelMultipleChoiceField):
    """Several of a tenant's rows of a declared tenant model (see :class:`TenantModelChoiceField`)."""


class TenantModelFormMetaclass(DefersDeclaredModel, model_forms.ModelFormMetaclass):
    """Builds a form declared on a declared tenant model without its model fields: those come
    with the tenant's class, in the subclass :meth:`TenantModelForm.for_tenant` makes."""


class TenantModelForm(forms.ModelForm, metaclass=TenantModelFormMetaclass):
    """A ``ModelForm`` whose ``Meta.model`` is a declared tenant model (see the module's docs)."""

    _tenancy_model: type[models.Model] | None = None  # the declared model, on unbound forms
    _tenancy_meta = None

    def __new__(cls, *args: Any, tenant: AbstractTenant | None = None, **kwargs: Any):
        if cls._tenancy_model is None:
            return super().__new__(cls)
        instance = kwargs.get("instance")
        if tenant is None and instance is not None:
            tenant = getattr(type(instance), "_tenancy_tenant", None)
        if tenant is None:
            raise TypeError(
                f"{cls.__name__} is a form of the tenant model {cls._tenancy_model.__name__}: pass tenant=, "
                f"or an instance, or use {cls.__name__}.for_tenant(tenant)."
            )
        return super().__new__(cls.for_tenant(tenant))

    def __init__(self, *args: Any, tenant: AbstractTenant | None = None, **kwargs: Any):
        instance = kwargs.get("instance")
        if instance is not None and self._meta.model is not None and not isinstance(instance, self._meta.model):
            raise ValueError(f"{instance!r} is not a row of {self._meta.model.__name__} of this form's tenant.")
        super().__init__(*args, **kwargs)

    @classmethod
    def for_tenant(cls, tenant: AbstractTenant) -> type[TenantModelForm]:
        """This form for ``tenant``: a ``ModelForm`` of the tenant's class, made once per class."""
        if cls._tenancy_model is None:
            return cls  # bound already, or a form of a global model

        def choice_fields():
            fields = cls.base_fields.items()
            return {name: field.bound_to(tenant) for name, field in fields if isinstance(field, TenantModelChoiceField)}

        return bound_subclass(cls, tenant, choice_fields)


def _bound_form(form: type[forms.BaseForm], tenant: AbstractTenant) -> type[forms.BaseForm]:
    return form.for_tenant(tenant) if isinstance(form, TenantModelFormMetaclass) else form


def tenant_modelform_factory(
    tenant: AbstractTenant, model: type[models.Model], form: type[forms.ModelForm] = forms.ModelForm, **kwargs: Any
) -> type[forms.ModelForm]:
    """``modelform_factory`` over ``tenant``'s class of ``model`` (a declared tenant model)."""
    return model_forms.modelform_factory(tenant_class(model, tenant), form=_bound_form(form, tenant), **kwargs)


def tenant_modelformset_factory(
    tenant: AbstractTenant, model: type[models.Model], form: type[forms.ModelForm] = forms.ModelForm, **kwargs: Any
) -> type[forms.BaseModelFormSet]:
    """``modelformset_factory`` over ``tenant``'s class of ``model``."""
    return model_forms.modelformset_factory(tenant_class(model, tenant), form=_bound_form(form, tenant), **kwargs)


def tenant_inlineformset_factory(
    tenant: AbstractTenant,
    parent_model: type[models.Model],
    model: type[models.Model],
    form: type[forms.ModelForm] = forms.ModelForm,
    **kwargs: Any,
) -> type[forms.BaseInlineFormSet]:
    """``inlineformset_factory`` over ``tenant``'s classes of ``parent_model`` and ``model``."""
    return model_forms.inlineformset_factory(
        tenant_class(parent_model, tenant), tenant_class(model, tenant), form=_bound_form(form, tenant), **kwargs
    )
