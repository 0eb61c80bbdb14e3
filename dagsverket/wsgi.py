"""WSGI entry point for gunicorn: `gunicorn dagsverket.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dagsverket.settings")
application = get_wsgi_application()
