"""The WSGI application for an installed copy: `gunicorn coop.wsgi:app` from any folder."""

from coop.app import create_app

app = create_app()
