"""Tenant pages behind authentication (TENANCY_URLCONF in test_auth)."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView, LogoutView
from django.http import HttpResponse
from django.urls import path

from tenancy.contrib.auth.access import tenant_member_required


def whoami(request):
    return HttpResponse(f"{request.user} ({request.user.__class__.__name__})")


async def async_whoami(request):
    user = await request.auser()
    return HttpResponse(f"{user} ({type(user).__name__})")


@login_required
def private(request):
    return HttpResponse(f"private page of {request.tenant} for {request.user}")


@tenant_member_required
def members_only(request):
    return HttpResponse(f"members' page of {request.tenant} for {request.user}")


urlpatterns = [
    path("login/", LoginView.as_view(next_page="/whoami/"), name="login"),
    path("logout/", LogoutView.as_view(next_page="/whoami/"), name="logout"),
    path("whoami/", whoami),
    path("async-whoami/", async_whoami),
    path("private/", private),
    path("members/", members_only),
]
