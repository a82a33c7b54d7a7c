"""Web layer: extensions, blueprints (one per audience), error pages."""

from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, current_app, url_for
from flask_wtf.csrf import CSRFProtect
from werkzeug.routing import IntegerConverter

from trainer.services.library import Library
from trainer.web import admin, auth, author, errors, i18n, join, learner, trainer

csrf = CSRFProtect()


def library() -> Library:
    """The app's story library."""
    lib: Library = current_app.extensions["trainer.library"]
    return lib


class BoundedInt(IntegerConverter):
    """An ``int`` URL part that fits a database integer: a 30-digit id is a 404, not a 500."""

    def __init__(self, map, *args, **kwargs):  # type: ignore[no-untyped-def]  # noqa: A002
        kwargs.setdefault("max", 2**63 - 1)
        super().__init__(map, *args, **kwargs)


def init_web(app: Flask) -> None:
    """Register extensions, blueprints and handlers."""
    app.url_map.converters["int"] = BoundedInt
    # Assets carry a content hash in their URL, so browsers may keep them for a year and
    # a phone on a slow network never re-asks for them between steps.
    if app.config.get("SEND_FILE_MAX_AGE_DEFAULT") is None:
        app.config["SEND_FILE_MAX_AGE_DEFAULT"] = 31_536_000
    hashes: dict[str, str] = {}

    def asset(filename: str) -> str:
        if filename not in hashes or app.debug:
            path = Path(app.static_folder or "") / filename
            hashes[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:10]
        return url_for("static", filename=filename, v=hashes[filename])

    app.jinja_env.globals["asset"] = asset
    csrf.init_app(app)
    i18n.init_app(app)
    auth.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(learner.bp)
    app.register_blueprint(author.bp)
    app.register_blueprint(trainer.bp)
    app.register_blueprint(join.bp)
    app.register_blueprint(admin.bp)
    errors.init_app(app)

    @app.after_request
    def _security_headers(response):  # type: ignore[no-untyped-def]
        response.headers.setdefault(
            "Content-Security-Policy",
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
        )
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
