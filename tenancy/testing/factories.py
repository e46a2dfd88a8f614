"""factory-boy factories of tenants and of tenant models.

::

    from tenancy.testing.factories import TenantFactory, TenantModelFactory, TenantSubFactory

    class ProductFactory(TenantModelFactory):
        class Meta:
            model = Product                     # the declared tenant model
        name = factory.Sequence(lambda n: f"product {n}")

    class OrderFactory(TenantModelFactory):
        class Meta:
            model = Order
        product = TenantSubFactory(ProductFactory)   # made in the order's tenant
        buyer = factory.SubFactory(UserFactory)      # a global model: a plain SubFactory

    acme = TenantFactory()
    order = OrderFactory(tenant=acme)
"""

from __future__ import annotations

import factory
from factory.django import DjangoModelFactory

from tenancy.conf import settings

from .cases import unique_key  # one counter for every helper: their tenants' keys never collide


class TenantFactory(DjangoModelFactory):
    """Tenants of ``TENANCY_TENANT_MODEL``; the routing field gets a unique value unless given."""

    class Meta:
        model = settings.TENANCY_TENANT_MODEL  # a label: resolved when the factory is first used

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        kwargs.setdefault(settings.TENANCY_ROUTING_FIELD, unique_key())
        return super()._create(model_class, *args, **kwargs)


class TenantModelFactory(DjangoModelFactory):
    """Rows of a declared tenant model (``Meta.model``), in the tenant given as ``tenant=``."""

    tenant = None

    class Meta:
        abstract = True

    @classmethod
    def _tenant_class(cls, model_class, kwargs):
        tenant = kwargs.pop("tenant", None)
        if tenant is None:
            raise TypeError(f"{cls.__name__} makes rows of a tenant model: pass tenant=.")
        return model_class.for_tenant(tenant)

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return super()._create(cls._tenant_class(model_class, kwargs), *args, **kwargs)

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        return super()._build(cls._tenant_class(model_class, kwargs), *args, **kwargs)

    @classmethod
    def _get_or_create(cls, model_class, *args, **kwargs):
        return super()._get_or_create(cls._tenant_class(model_class, kwargs), *args, **kwargs)


class TenantSubFactory(factory.SubFactory):
    """A ``SubFactory`` of a :class:`TenantModelFactory`, made in the tenant of the row that needs it."""

    def __init__(self, factory_class, **kwargs):
        kwargs.setdefault("tenant", factory.SelfAttribute("..tenant"))
        super().__init__(factory_class, **kwargs)
