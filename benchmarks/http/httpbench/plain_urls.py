"""The URLconf of the plain variant."""

from django.urls import path

from . import views

urlpatterns = [path("contacts/", views.plain_contacts)]
