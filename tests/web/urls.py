"""The public site's URLconf (ROOT_URLCONF in the routing tests)."""

from django.urls import path

from . import views

urlpatterns = [path("", views.home, name="home")]
