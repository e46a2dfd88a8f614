"""django-filter over tenant models: a ``FilterSet`` declared once, on the declared tenant model.

A ``FilterSet`` whose ``Meta.model`` is a declared tenant model cannot be built (its relations
point at models that have no rows). Declare it as a :class:`TenantFilterSet`; it becomes a
``FilterSet`` of a tenant's class when it is used::

    from tenancy.contrib.django_filters import TenantFilterSet

    class OrderFilter(TenantFilterSet):
        class Meta:
            model = Order                              # the declared tenant model
            fields = {"product": ["exact"], "quantity": ["gte"], "tags": ["exact"]}

    OrderFilter(request.GET, queryset=Order.for_tenant(acme).objects.all())   # acme's, from the queryset
    OrderFilter(request.GET, tenant=acme)                                     # acme's, every order
    OrderFilter.for_tenant(acme)                                              # the bound class

The bound filter set is an ordinary ``FilterSet`` of the tenant's class: its choice filters for
relations to other tenant models offer and accept that tenant's rows only. A filter you declare
over another tenant model takes a callable queryset (``ModelChoiceFilter(queryset=lambda request:
Product.for_tenant(request.tenant).objects.all())``). It works as ``filterset_class`` of
REST framework's ``DjangoFilterBackend`` (see :mod:`tenancy.contrib.rest_framework`) and of
django-filter's ``FilterView``; their ``filterset_fields`` need nothing: they are built from the
tenant's queryset.
"""

from __future__ import annotations

from typing import Any

from django_filters.filterset import FilterSet, FilterSetMetaclass

from tenancy.binding import DefersDeclaredModel, bound_subclass
from tenancy.tenants import AbstractTenant


class TenantFilterSetMetaclass(DefersDeclaredModel, FilterSetMetaclass):
    """Builds a filter set declared on a declared tenant model with its declared filters only:
    those of the model come with the tenant's class, in :meth:`TenantFilterSet.for_tenant`."""


class TenantFilterSet(FilterSet, metaclass=TenantFilterSetMetaclass):
    """A ``FilterSet`` whose ``Meta.model`` is a declared tenant model (see the module's docs)."""

    _tenancy_model = None  # the declared model, on unbound filter sets
    _tenancy_meta = None

    def __new__(cls, data=None, queryset=None, *, tenant: AbstractTenant | None = None, **kwargs: Any):
        if cls._tenancy_model is None:
            return super().__new__(cls)
        if tenant is None and queryset is not None:
            tenant = getattr(queryset.model, "_tenancy_tenant", None)
        if tenant is None:
            tenant = getattr(kwargs.get("request"), "tenant", None)
        if tenant is None:
            raise TypeError(
                f"{cls.__name__} filters the tenant model {cls._tenancy_model.__name__}: pass a queryset of a "
                f"tenant's class, or tenant=, or a request for a tenant, or use {cls.__name__}.for_tenant(tenant)."
            )
        return super().__new__(cls.for_tenant(tenant))

    def __init__(self, data=None, queryset=None, *, tenant: AbstractTenant | None = None, **kwargs: Any):
        model = self._meta.model
        if queryset is not None and model is not None and not issubclass(queryset.model, model):
            raise ValueError(f"{queryset.model.__name__} is not {model.__name__} of this filter set's tenant.")
        super().__init__(data, queryset, **kwargs)

    @classmethod
    def for_tenant(cls, tenant: AbstractTenant) -> type[TenantFilterSet]:
        """This filter set for ``tenant``: a ``FilterSet`` of the tenant's class, made once per class."""
        if cls._tenancy_model is None:
            return cls  # bound already, or a filter set of a global model
        return bound_subclass(cls, tenant)
