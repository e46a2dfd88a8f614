"""The public site's URLconf (ROOT_URLCONF): example.com/ answers once the server is up."""

from django.http import HttpResponse
from django.urls import path


def up(request):
    return HttpResponse(f"up, tenant {request.tenant}")


urlpatterns = [path("", up)]
