"""The URLconf of the static sites (TENANCY_STATIC_SITES in the domain tests)."""

from django.urls import path

from . import views

urlpatterns = [path("", views.static_home, name="static-home")]
