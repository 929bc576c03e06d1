"""The WSGI application for an installed copy: `gunicorn coop.wsgi:app` from any folder."""

from coop import create_app

app = create_app()
