"""Entry point for gunicorn in a checkout: `gunicorn wsgi:app` (an installed copy uses coop.wsgi:app)."""

from coop.wsgi import app

__all__ = ["app"]
