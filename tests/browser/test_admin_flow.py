"""An admin in a real browser: find a user, grant a role, download a backup; axe checks."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import shot
from tests.browser.test_learner_flow import register, serious_violations
from tests.browser.test_trainer_flow import grant

pytestmark = pytest.mark.browser


def test_admin_grants_a_role_and_downloads_a_backup(
    browser: Browser, live_server: str, tmp_path: Path
):
    context = browser.new_context(viewport={"width": 360, "height": 800}, accept_downloads=True)
    page = context.new_page()
    register(page, live_server, "aigerim")  # the learner who will become a trainer
    page.get_by_role("button", name="Sign out").click()
    register(page, live_server, "boss")
    grant(tmp_path, "boss", "admin")

    page.goto(f"{live_server}/")
    page.get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Administration")).to_be_visible()
    assert serious_violations(page) == []
    shot(page, "admin-users-360")
    page.get_by_label("Search by username or display name").fill("aiger")
    page.get_by_role("button", name="Search").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(1)
    rows.get_by_role("link", name="aigerim").click()
    assert serious_violations(page) == []
    page.get_by_role("button", name="Grant Trainer").click()
    expect(page.locator("#messages")).to_contain_text("aigerim")
    expect(page.get_by_role("button", name="Withdraw Trainer")).to_be_visible()

    # the new trainer sees the trainer pages
    other = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    other.goto(f"{live_server}/auth/login")
    other.get_by_label("Username").fill("aigerim")
    other.get_by_label("Password").fill("password-1")
    other.get_by_role("button", name="Sign in").click()
    other.get_by_role("link", name="Cohorts").click()
    expect(other.get_by_role("heading", name="My cohorts")).to_be_visible()

    # a backup is a real SQLite database holding the users
    page.get_by_role("link", name="Admin").click()
    page.get_by_role("link", name="Backup").click()
    assert serious_violations(page) == []
    with page.expect_download() as info:
        page.get_by_role("button", name="Download a backup").click()
    saved = tmp_path / "backup.sqlite"
    info.value.save_as(saved)
    assert info.value.suggested_filename.startswith("trainer-")
    with sqlite3.connect(saved) as db:
        names = {row[0] for row in db.execute("SELECT username FROM user")}
    assert {"aigerim", "boss"} <= names
    context.close()
