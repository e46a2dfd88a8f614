"""The test app's admin (tenancy.contrib.admin): tenant models registered once, for every tenant."""

from django.contrib import admin

from tenancy.contrib.admin import TenantAdmin, TenantModelAdmin

from .models import Customer, Order, Product, Stock, Tag, Warehouse


class StockInline(admin.TabularInline):
    model = Stock  # the declared model: each tenant's admin uses the tenant's Stock
    extra = 1


@admin.register(Product)
class ProductAdmin(TenantModelAdmin):
    list_display = ["name", "price", "archived"]
    list_filter = ["archived"]
    search_fields = ["name"]
    actions = ["archive"]
    inlines = [StockInline]

    @admin.action(description="Archive the selected products")
    def archive(self, request, queryset):
        queryset.update(archived=True)


@admin.register(Order)
class OrderAdmin(TenantModelAdmin):
    list_display = ["product", "quantity", "buyer"]
    list_filter = ["product"]
    autocomplete_fields = ["product"]
    raw_id_fields = ["parent"]


admin.site.register(Tag, search_fields=["label"])
admin.site.register(Warehouse, TenantModelAdmin)
admin.site.register(Customer, TenantAdmin)  # the tenant model
