"""The URLconf of requests without a tenant in the tenancy variant (``ROOT_URLCONF``)."""

from django.urls import path

from . import views

urlpatterns = [path("", views.public)]
