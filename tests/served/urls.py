"""The tenants' URLconf (TENANCY_URLCONF): shop07.example.com/rows/ and so on."""

from django.urls import path

from . import views

urlpatterns = [
    path("rows/", views.rows),
    path("arows/", views.arows),
    path("write/", views.write),
    path("awrite/", views.awrite),
    path("pair/<slug:other>/", views.pair),
]
