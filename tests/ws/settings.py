"""The websocket test server's settings: the test suite's, routed as the test says (TENANCY_WS_ROUTING)."""

import os

from tests.settings import *  # noqa: F403

TENANCY_ROUTING = os.environ.get("TENANCY_WS_ROUTING", "header")
TENANCY_BASE_DOMAIN = "example.com"
TENANCY_CURRENT_TENANT = True
ALLOWED_HOSTS = ["*"]
