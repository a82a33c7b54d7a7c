"""The Flask application factory."""

from __future__ import annotations

import typing as t
from pathlib import Path

from flask import Flask

from trainer import config as defaults
from trainer import db
from trainer.services.authoring import Authoring
from trainer.services.library import Library


def create_app(test_config: dict[str, t.Any] | None = None) -> Flask:
    """Build the app: defaults → ``instance/config.py`` → ``TRAINER_*`` env → ``test_config``."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(defaults.ROOT / "templates"),
        static_folder=str(defaults.ROOT / "static"),
    )
    app.config.from_mapping(defaults.DEFAULTS)
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_prefixed_env("TRAINER")
    if test_config:
        app.config.from_mapping(test_config)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = defaults.instance_secret(Path(app.instance_path))

    db.init_app(app)
    library = Library(Path(app.config["STORIES_DIR"]))
    app.extensions["trainer.library"] = library
    app.extensions["trainer.authoring"] = Authoring(
        Path(app.config["STORIES_DIR"]), library.catalogue
    )

    from trainer.web import init_web

    init_web(app)
    return app
