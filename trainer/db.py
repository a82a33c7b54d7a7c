"""Database engine, one session per request, and schema upgrades through Alembic."""

from __future__ import annotations

import typing as t
from pathlib import Path

from alembic import command
from alembic.config import Config
from flask import Flask, current_app, g
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from trainer.config import ROOT, normalise_database_url

MIGRATIONS = ROOT / "migrations"


def database_url(app: Flask) -> str:
    """The configured URL, or a SQLite file in the instance folder."""
    url = str(app.config.get("DATABASE_URL") or "")
    if not url:
        Path(app.instance_path).mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{Path(app.instance_path) / 'trainer.sqlite'}"
    return normalise_database_url(url)


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL mode and a busy timeout so readers never block writers."""
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_connection: t.Any, _record: t.Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5)


def alembic_config(url: str) -> Config:
    """Alembic configuration pointing at ``migrations/`` and ``url``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (creates it on first run)."""
    cfg = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")


def get_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        # Objects stay readable after commit: views render what they just saved
        # without a second SELECT.
        g.db_session = Session(current_app.extensions["trainer.engine"], expire_on_commit=False)
    session: Session = g.db_session
    return session


def close_session(_exc: BaseException | None = None) -> None:
    """Close the request's session at teardown."""
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def init_app(app: Flask) -> None:
    """Create the engine, upgrade the schema, register teardown."""
    engine = make_engine(database_url(app))
    app.extensions["trainer.engine"] = engine
    if app.config.get("AUTO_MIGRATE", True):
        upgrade(engine)
    app.teardown_appcontext(close_session)
