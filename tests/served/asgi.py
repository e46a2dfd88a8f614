"""The served project's ASGI application (uvicorn tests.served.asgi:application)."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.served.settings")
application = get_asgi_application()
