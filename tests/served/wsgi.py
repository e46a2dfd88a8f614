"""The served project's WSGI application (gunicorn tests.served.wsgi:application)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.served.settings")
application = get_wsgi_application()
