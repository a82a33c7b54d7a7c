"""The baseline for ``bench_web.py``: a bare Flask app with one route.

Served by gunicorn exactly like the trainer (same worker count, same bind, no access log), so
the ratio of the two rates says what the trainer's own work costs on this machine.
"""

from __future__ import annotations

from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello() -> str:
    """The classic."""
    return "Hello, World!"
