"""factory-boy factories of the test app's tenant models (tenancy.testing.factories)."""

import factory
from django.contrib.auth.models import User

from tenancy.testing.factories import TenantModelFactory, TenantSubFactory
from tests.shop.models import Order, Product


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"user{n}")


class ProductFactory(TenantModelFactory):
    class Meta:
        model = Product

    name = factory.Sequence(lambda n: f"product {n}")


class OrderFactory(TenantModelFactory):
    class Meta:
        model = Order

    product = TenantSubFactory(ProductFactory)
    buyer = factory.SubFactory(UserFactory)
    quantity = 2
