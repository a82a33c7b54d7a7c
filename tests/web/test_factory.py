"""App factory, configuration, migrations and the web commands of ``trainer``."""

from __future__ import annotations

from click.testing import CliRunner
from sqlalchemy import inspect
from sqlmodel import select

from trainer import create_app
from trainer.cli import main
from trainer.config import normalise_database_url
from trainer.db import get_session
from trainer.models import User


def test_database_url_normalisation():
    assert normalise_database_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalise_database_url("sqlite:///x.db") == "sqlite:///x.db"


def test_environment_configures_the_app(monkeypatch, tmp_path, stories_dir):
    monkeypatch.setenv("TRAINER_REGISTRATION_OPEN", "false")
    monkeypatch.setenv("TRAINER_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite'}")
    monkeypatch.setenv("TRAINER_STORIES_DIR", str(stories_dir))
    monkeypatch.setenv("TRAINER_SECRET_KEY", "from-env")
    app = create_app()
    assert app.config["REGISTRATION_OPEN"] is False
    assert app.config["SECRET_KEY"] == "from-env"
    assert (tmp_path / "env.sqlite").exists()
    app.extensions["trainer.engine"].dispose()


def test_migrations_create_every_table(app):
    tables = set(inspect(app.extensions["trainer.engine"]).get_table_names())
    assert {"user", "attempt", "step", "storyversion", "loginthrottle", "alembic_version"} <= tables


def test_sqlite_uses_wal(app):
    if not str(app.extensions["trainer.engine"].url).startswith("sqlite"):
        return  # the PostgreSQL run checks the schema above; WAL is SQLite's
    with app.extensions["trainer.engine"].connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


def test_create_user_and_seed_commands(monkeypatch, app, database_url, stories_dir):
    monkeypatch.setenv("TRAINER_DATABASE_URL", database_url)
    monkeypatch.setenv("TRAINER_STORIES_DIR", str(stories_dir))
    monkeypatch.setenv("TRAINER_SECRET_KEY", "cli")
    runner = CliRunner()
    result = runner.invoke(
        main, ["create-user", "Trainer2", "--password", "password-9", "--role", "trainer"]
    )
    assert result.exit_code == 0, result.output
    assert "Created trainer2 (learner trainer)" in result.output
    again = runner.invoke(main, ["create-user", "trainer2", "--password", "password-9"])
    assert again.exit_code == 1 and "taken" in again.output
    short = runner.invoke(main, ["create-user", "someone", "--password", "short"])
    assert short.exit_code == 1 and "8 characters" in short.output
    assert runner.invoke(main, ["seed-demo"]).exit_code == 0
    with app.app_context():
        names = {u.username for u in get_session().exec(select(User)).all()}
    assert {"trainer2", "demo", "trainer"} <= names


def test_security_headers(client):
    response = client.get("/auth/login")
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_error_pages_are_pages(client):
    response = client.get("/no/such/page")
    assert response.status_code == 404
    assert "<h1>Error 404</h1>" in response.text


def test_assets_are_versioned_and_cached_for_long(client):
    page = client.get("/auth/login").text
    import re

    css = re.search(r'href="(/static/app\.css\?v=[0-9a-f]{10})"', page)
    assert css, page[:500]
    response = client.get(css.group(1))
    assert response.status_code == 200
    assert "max-age=31536000" in response.headers["Cache-Control"]
    response.close()
