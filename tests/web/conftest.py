"""Web fixtures: an app on a fresh database (SQLite, or PostgreSQL when configured)."""

from __future__ import annotations

import os
import re
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from trainer import create_app
from trainer.config import ROOT
from trainer.starter import write_starter

PG_URL = os.environ.get("TRAINER_TEST_DATABASE_URL", "")


@pytest.fixture
def stories_dir(tmp_path: Path) -> Path:
    """A stories folder with the real catalogues and the starter story ``mini``."""
    folder = tmp_path / "stories"
    shutil.copytree(ROOT / "stories" / "catalogue", folder / "catalogue")
    write_starter("mini", folder)
    return folder


@pytest.fixture
def database_url(tmp_path: Path) -> Iterator[str]:
    """A private database: a schema of its own on PostgreSQL, else a SQLite file."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'test.sqlite'}"
        return
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


@pytest.fixture
def app(tmp_path: Path, stories_dir: Path, database_url: str) -> Iterator[Flask]:
    """The app under test, CSRF protection on, as in production."""
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "DATABASE_URL": database_url,
            "STORIES_DIR": str(stories_dir),
            "LOGIN_FREE_FAILURES": 3,
        }
    )
    yield app
    app.extensions["trainer.engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


def csrf_token(html: str) -> str:
    """The CSRF token of the first form on a page."""
    m = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


class Auth:
    """Register and sign in through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def register(self, username: str = "learner1", password: str = "password-1"):
        page = self.client.get("/auth/register")
        return self.client.post(
            "/auth/register",
            data={
                "csrf_token": csrf_token(page.text),
                "username": username,
                "password": password,
                "confirm": password,
            },
        )

    def login(self, username: str = "learner1", password: str = "password-1"):
        page = self.client.get("/auth/login")
        return self.client.post(
            "/auth/login",
            data={"csrf_token": csrf_token(page.text), "username": username, "password": password},
        )

    def logout(self):
        page = self.client.get("/")
        return self.client.post("/auth/logout", data={"csrf_token": csrf_token(page.text)})


@pytest.fixture
def auth(client: FlaskClient) -> Auth:
    """Sign-in helper bound to ``client``."""
    return Auth(client)


class Player:
    """Drive an attempt through the real forms."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def start(self, story: str = "mini", role: str = "labour-inspector") -> int:
        page = self.client.get(f"/modules/{story}")
        response = self.client.post(
            f"/modules/{story}/start", data={"csrf_token": csrf_token(page.text), "role": role}
        )
        assert response.status_code == 302, response.text
        return int(response.headers["Location"].rstrip("/").split("/")[-1])

    def page(self, attempt: int):
        return self.client.get(f"/attempts/{attempt}")

    def step(self, attempt: int) -> int:
        m = re.search(r'name="step" value="(\d+)"', self.page(attempt).text)
        assert m
        return int(m.group(1))

    def choose(self, attempt: int, choice: str, step: int | None = None, notes=None, **extra):
        """Post a choice; ``notes`` (a list) is sent as the ticked boxes of the notes panel."""
        page = self.page(attempt).text
        data = {
            "csrf_token": csrf_token(page),
            "step": str(self.step(attempt) if step is None else step),
            "choice": choice,
            **extra,
        }
        if notes is not None:
            data["notes"] = list(notes)
            data["notes-shown"] = "1"
        return self.client.post(f"/attempts/{attempt}/choose", data=data)


@pytest.fixture
def player(client: FlaskClient) -> Player:
    """Play helper bound to ``client``."""
    return Player(client)
