"""The organizations' URLconf (TENANCY_URLCONF): http://acme.localhost:8000/ and the like.

TenantMiddleware resolves every request for an organization with it; reverse() and {% url %}
in such a request give these paths.
"""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

urlpatterns = [
    # Django's own login and logout: TenantBackend signs the organization's members in.
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    # The organization's admin: this organization's rows, for its staff (its owners).
    path("admin/", admin.site.urls),
    path("", include("tracker.urls")),
]
