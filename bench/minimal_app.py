"""gunicorn bench.minimal_app:app: the real app, configured from the environment like wsgi.py,
with the minimal page added (bench/minimal.py)."""

from bench.minimal import add_minimal_page
from coop.wsgi import app

add_minimal_page(app)
