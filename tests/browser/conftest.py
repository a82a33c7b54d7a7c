"""Browser fixtures: a real HTTP server on a free port and a headless Chromium."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from trainer import create_app
from trainer.config import ROOT
from trainer.starter import write_starter

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = ROOT / "test-results"


def _own_browser() -> bool:
    base = os.environ.get("PLAYWRIGHT_BROWSERS_PATH") or str(Path.home() / ".cache/ms-playwright")
    return bool(glob.glob(f"{base}/chromium-*"))


def free_port() -> int:
    """A free TCP port on loopback."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Playwright's own Chromium when installed, else Debian's /usr/bin/chromium."""
    with sync_playwright() as p:
        if _own_browser():
            instance = p.chromium.launch(args=CHROMIUM_ARGS)
        else:
            instance = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def live_app(tmp_path: Path) -> Iterator[Flask]:
    """The app behind ``live_server`` (for setting up data directly)."""
    stories = tmp_path / "stories"
    shutil.copytree(ROOT / "stories" / "catalogue", stories / "catalogue")
    write_starter("mini", stories)
    for path in (ROOT / "stories").glob("building-site*.md"):
        shutil.copy(path, stories / path.name)
    app = create_app(
        {
            "SECRET_KEY": "browser-test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'browser.sqlite'}",
            "STORIES_DIR": str(stories),
        }
    )
    yield app
    app.extensions["trainer.engine"].dispose()


@pytest.fixture
def live_server(live_app: Flask) -> Iterator[str]:
    """The app served by a real threaded HTTP server; yields its base URL."""
    port = free_port()
    server = make_server("127.0.0.1", port, live_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.shutdown()
    thread.join(timeout=10)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) with a phone-sized viewport."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def shot(page: Page, name: str) -> Path:
    """Save a full-page screenshot under test-results/ for people to look at."""
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
