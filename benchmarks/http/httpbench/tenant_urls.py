"""The URLconf of tenant requests in the tenancy variant (``TENANCY_URLCONF``)."""

from django.urls import path

from . import views

urlpatterns = [path("contacts/", views.tenant_contacts)]
