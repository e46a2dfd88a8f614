"""The admin, at /admin/, on the public site and at every tenant (the admin tests' URLconf)."""

from django.contrib import admin
from django.urls import path

urlpatterns = [path("admin/", admin.site.urls)]
