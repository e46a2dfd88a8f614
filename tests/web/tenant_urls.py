"""The tenants' URLconf (TENANCY_URLCONF in the routing tests)."""

from django.urls import path

from tenancy.contrib import files

from . import views

urlpatterns = [
    path("products/", views.products, name="products"),
    path("hello/", views.hello, name="hello"),
    path("async/", views.async_products, name="async-products"),
    path("current/", views.current),
    path("async-current/", views.async_current),
    path("slow-current/", views.slow_current),
    path("cached/", views.cached),
    path("media/<path:path>", files.serve),
    path("link-to/<slug:name>/", views.link_to),
]
