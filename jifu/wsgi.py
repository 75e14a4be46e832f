"""WSGI entry point (gunicorn/uWSGI in production, `jifu serve` for the demo)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jifu.settings")
application = get_wsgi_application()
