"""The ASGI app of the websocket tests, served by daphne in a process of its own (tests/test_channels.py)."""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.ws.settings")

import django  # noqa: E402

django.setup()

from channels.routing import ProtocolTypeRouter  # noqa: E402

from tenancy.contrib.channels import TenantWebsocketRouter  # noqa: E402

application = ProtocolTypeRouter(
    {"websocket": TenantWebsocketRouter(tenant="tests.ws.tenant_routes", public="tests.ws.public_routes")}
)
