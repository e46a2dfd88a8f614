from django.urls import path

from .consumers import PublicEcho

websocket_urlpatterns = [path("ws/echo/", PublicEcho.as_asgi())]
