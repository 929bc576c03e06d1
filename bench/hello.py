"""The bare hello-world Flask app the page throughput is compared with (same gunicorn)."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, world!"
