"""The public site's URLconf (ROOT_URLCONF): http://localhost:8000/."""

from django.contrib import admin
from django.urls import path

from tracker import views

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("admin/", admin.site.urls),
]
