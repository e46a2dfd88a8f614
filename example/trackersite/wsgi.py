"""WSGI entry point: ``gunicorn trackersite.wsgi`` (from the ``example`` folder)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "trackersite.settings")

application = get_wsgi_application()
