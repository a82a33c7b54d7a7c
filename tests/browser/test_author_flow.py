"""An author in a real browser: live reload of diagnostics, fix, jump with a variable, graph."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot
from trainer.db import get_session
from trainer.services.accounts import create_user

pytestmark = pytest.mark.browser


def test_live_reload_fix_jump_and_graph(page: Page, live_server: str, live_app):
    with live_app.app_context():
        create_user(get_session(), "writer", "password-1", roles="author")
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Username").fill("writer")
    page.get_by_label("Password").fill("password-1")
    page.get_by_role("button", name="Sign in").click()
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server}/author/")
    page.get_by_role("link", name="mini.md").click()
    expect(page.get_by_text("No problems found.")).to_be_visible()
    expect(page.locator("svg.graph")).to_be_visible()

    story: Path = Path(live_app.config["STORIES_DIR"]) / "mini.md"
    original = story.read_text()
    story.write_text(original.replace("(#promise)", "(#promize)"))
    # no click: the page notices the change and reloads by itself
    expect(page.get_by_text("C001")).to_be_visible(timeout=10_000)
    shot(page, "author-diagnostic-1280")

    story.write_text(original)
    expect(page.get_by_text("No problems found.")).to_be_visible(timeout=10_000)

    page.get_by_role("link", name="Preview").click()
    page.get_by_label("Passage").select_option("alone")
    page.get_by_label("Variables (name:value, comma-separated)").fill("trust:2")
    page.get_by_role("button", name="Jump").click()
    expect(page.get_by_role("heading", name="Alone with Dilnoza")).to_be_visible()
    expect(page.get_by_role("link", name="Ask who holds her passport")).to_be_visible()
    expect(page.get_by_text("trust = 2")).to_be_visible()
    shot(page, "author-preview-1280")

    page.goto(f"{live_server}/author/stories/mini.md")
    node = page.locator("svg.graph a").first
    expect(node).to_be_visible()
    node.click()
    expect(page.locator("h1#passage")).to_be_visible()
