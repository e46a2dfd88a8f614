from django.urls import path

from .consumers import TenantEcho

websocket_urlpatterns = [path("ws/echo/", TenantEcho.as_asgi())]
