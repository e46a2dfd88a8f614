"""A REST API (Django REST framework) over the declared tenant models, and its URLconf (test_rest_framework)."""

from django_filters.rest_framework import DjangoFilterBackend
from rest_framework import filters, pagination
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.routers import SimpleRouter

from tenancy.contrib.django_filters import TenantFilterSet
from tenancy.contrib.rest_framework import (
    IsTenantMember,
    TenantHyperlinkedModelSerializer,
    TenantModelSerializer,
    TenantModelViewSet,
    TenantSlugRelatedField,
)
from tests.shop.models import Order, Product, Tag


class ProductSerializer(TenantModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "price"]


class LinkedProductSerializer(TenantHyperlinkedModelSerializer):
    class Meta:
        model = Product
        fields = ["url", "name"]  # url: the "product-detail" route


class OrderSerializer(TenantModelSerializer):
    product_detail = ProductSerializer(source="product", read_only=True)  # nested

    class Meta:
        model = Order
        fields = ["id", "product", "product_detail", "quantity", "buyer", "tags"]


class TagSerializer(TenantModelSerializer):
    class Meta:
        model = Tag
        fields = ["id", "label"]


class LabelledOrderSerializer(TenantModelSerializer):
    tags = TenantSlugRelatedField(model=Tag, slug_field="label", many=True)  # declared, by label

    class Meta:
        model = Order
        fields = ["id", "product", "buyer", "tags"]


class OrderFilter(TenantFilterSet):
    class Meta:
        model = Order
        fields = {"product": ["exact"], "quantity": ["gte"], "tags": ["exact"]}


class Pages(pagination.PageNumberPagination):
    page_size = 2


class ProductViewSet(TenantModelViewSet):
    model = Product
    serializer_class = ProductSerializer
    pagination_class = Pages
    filter_backends = [filters.SearchFilter, filters.OrderingFilter]
    search_fields = ["name"]
    ordering = ["name"]


class OrderViewSet(TenantModelViewSet):
    model = Order
    serializer_class = OrderSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = OrderFilter

    def get_queryset(self):
        return super().get_queryset().order_by("pk")


class TagViewSet(TenantModelViewSet):
    model = Tag
    serializer_class = TagSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_fields = ["label"]  # a filter set made by django-filter from the tenant's queryset


class LabelledOrderViewSet(TenantModelViewSet):
    model = Order
    serializer_class = LabelledOrderSerializer


class LinkedProductViewSet(TenantModelViewSet):
    model = Product
    serializer_class = LinkedProductSerializer


class MemberProductViewSet(TenantModelViewSet):
    model = Product
    serializer_class = ProductSerializer
    permission_classes = [IsTenantMember, DjangoModelPermissions]


router = SimpleRouter()
router.register("products", ProductViewSet, basename="product")
router.register("orders", OrderViewSet, basename="order")
router.register("tags", TagViewSet, basename="tag")
router.register("labelled-orders", LabelledOrderViewSet, basename="labelled-order")
router.register("linked-products", LinkedProductViewSet, basename="linked-product")
router.register("members/products", MemberProductViewSet, basename="member-product")
urlpatterns = router.urls
