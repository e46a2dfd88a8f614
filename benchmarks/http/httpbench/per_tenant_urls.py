"""The URLconf of the plain per tenant variant: plain Django, a class and a table per tenant."""

from django.urls import path

from . import views

urlpatterns = [path("contacts/", views.per_tenant_contacts)]
