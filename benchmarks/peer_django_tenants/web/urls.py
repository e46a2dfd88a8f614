"""The URLconf of both peer variants."""

from django.urls import path

from . import views

urlpatterns = [path("contacts/", views.contacts)]
