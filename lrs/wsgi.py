"""The WSGI entry point for production: `gunicorn 'lrs.wsgi:app'` (configured by PARCOURS_* variables)."""

from lrs.app import create_app

app = create_app()
