"""Generic views over the declared tenant model Order, and their URLconf (TENANCY_URLCONF in test_views)."""

from django.urls import path, reverse_lazy

from tenancy.forms import TenantModelForm
from tenancy.views import TenantCreateView, TenantDeleteView, TenantDetailView, TenantListView, TenantUpdateView
from tests.shop.models import Order


class OrderForm(TenantModelForm):
    class Meta:
        model = Order
        fields = ["product", "quantity", "buyer"]


class OrderList(TenantListView):
    model = Order
    ordering = "pk"


class OrderDetail(TenantDetailView):
    model = Order


class OrderCreate(TenantCreateView):
    model = Order
    fields = ["product", "quantity", "buyer"]
    success_url = reverse_lazy("order-list")


class OrderUpdate(TenantUpdateView):
    model = Order
    form_class = OrderForm
    success_url = reverse_lazy("order-list")


class OrderDelete(TenantDeleteView):
    model = Order
    success_url = reverse_lazy("order-list")


urlpatterns = [
    path("orders/", OrderList.as_view(), name="order-list"),
    path("orders/new/", OrderCreate.as_view(), name="order-create"),
    path("orders/<int:pk>/", OrderDetail.as_view(), name="order-detail"),
    path("orders/<int:pk>/edit/", OrderUpdate.as_view(), name="order-update"),
    path("orders/<int:pk>/delete/", OrderDelete.as_view(), name="order-delete"),
]
