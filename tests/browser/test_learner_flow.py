"""A learner in a real browser: register, play, notes, debrief, resume, double submit, axe."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.conftest import shot

pytestmark = pytest.mark.browser


def register(page: Page, base: str, username: str = "learner1") -> None:
    page.goto(f"{base}/auth/register")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password", exact=True).fill("password-1")
    page.get_by_label("Repeat the password").fill("password-1")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Training modules")).to_be_visible()


def serious_violations(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']}: {v['help']}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def start_mini(page: Page, base: str) -> None:
    page.goto(f"{base}/modules/mini")
    page.get_by_label("Police officer").check()
    page.get_by_role("button", name="Start a new attempt").click()
    expect(page.get_by_role("heading", name="Arrival")).to_be_visible()


def test_play_to_debrief_with_missed_indicator(page: Page, live_server: str):
    register(page, live_server)
    assert serious_violations(page) == []
    shot(page, "catalogue-360")
    start_mini(page, live_server)
    assert serious_violations(page) == []
    shot(page, "passage-360")

    # the filter hides every indicator that does not match
    page.locator("#notes-filter").fill("passport")
    expect(page.get_by_label("Boss holds passport or ID")).to_be_visible()
    expect(page.get_by_label("Very long days, no rest days")).to_be_hidden()
    page.locator("#notes-filter").fill("")

    # note an indicator (the panel works without JavaScript; here the script autosaves)
    page.get_by_text("Exploitative conditions", exact=True).click()
    page.get_by_label("Very long days, no rest days").check()
    expect(page.locator("#notes-status")).to_have_text("Notes saved.")

    page.get_by_role("button", name="Question Dilnoza in front of the supervisor").click()
    expect(page.get_by_role("heading", name="Talking in front of the supervisor")).to_be_visible()
    # focus moved to the new passage's heading; the choice is announced in a live region
    expect(page.locator("#passage")).to_be_focused()
    expect(page.locator("#messages")).to_contain_text("You chose:")

    page.get_by_role("button", name="Thank them and leave").click()
    expect(page.get_by_role("heading", name="Debrief")).to_be_visible()
    missed = page.locator("li.indicator.status-missed", has_text="Boss holds passport or ID")
    expect(missed).to_be_visible()
    assert serious_violations(page) == []
    shot(page, "debrief-360")
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, "debrief-1280")

    missed.get_by_role("link").click()
    highlight = page.locator(".cue-highlight")
    expect(highlight).to_have_text("I keep everyone’s papers in my safe.")
    # back to the debrief, at the indicator the learner came from
    page.get_by_role("link", name="Back to the debrief").click()
    expect(page).to_have_url(re.compile(r"/debrief#i-coercion-destination\.document-retention$"))
    expect(missed).to_be_in_viewport()


def test_real_module_debrief_folds_long_lists_and_prints_them(page: Page, live_server: str):
    register(page, live_server)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(f"{live_server}/modules/building-site")
    page.get_by_role("button", name="Start a new attempt").click()
    for _ in range(60):  # the hasty path: always the last choice
        if "/debrief" in page.url:
            break
        page.locator("button.choice").last.click()
    expect(page.get_by_role("heading", name="Debrief")).to_be_visible()
    folded = page.locator("#ind-not-uncovered")
    expect(folded).not_to_have_attribute("open", "")
    hidden_item = folded.locator("li.indicator").first
    expect(hidden_item).to_be_hidden()
    assert serious_violations(page) == []
    shot(page, "debrief-folded-360")
    # the summary at the top jumps to a list; opening the fold shows its items
    page.locator("nav.jump").get_by_role("link", name=re.compile("Not uncovered")).click()
    expect(page).to_have_url(re.compile("#ind-not-uncovered$"))
    folded.locator("summary").click()
    expect(hidden_item).to_be_visible()
    folded.locator("summary").click()
    expect(hidden_item).to_be_hidden()
    # printed, every list is shown and the learner and date head the page
    page.emulate_media(media="print")
    expect(hidden_item).to_be_visible()
    expect(page.locator(".print-only")).to_contain_text("Learner: learner1")
    expect(page.locator("nav.jump")).to_be_hidden()


def test_resume_after_signing_out_and_in(page: Page, live_server: str):
    register(page, live_server)
    start_mini(page, live_server)
    page.get_by_role("button", name="Ask to speak with Dilnoza alone").click()
    expect(page.get_by_role("heading", name="Alone with Dilnoza")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_label("Username").fill("learner1")
    page.get_by_label("Password").fill("password-1")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Continue").click()
    expect(page.get_by_role("heading", name="Alone with Dilnoza")).to_be_visible()


def test_double_submission_applies_once(page: Page, live_server: str):
    register(page, live_server)
    start_mini(page, live_server)
    # submit the same form twice before the first response arrives
    statuses = page.evaluate(
        """() => {
          const form = document.getElementById('play-form');
          const button = form.querySelector('button[value="arrival:1"]');
          const data = new FormData(form);
          data.append('choice', button.value);
          return Promise.all([
            fetch(form.action, {method: 'POST', body: data, redirect: 'manual'}),
            fetch(form.action, {method: 'POST', body: data, redirect: 'manual'}),
          ]).then(rs => rs.map(r => r.status));
        }"""
    )
    assert sorted(statuses) == [0, 0]  # both answered with a redirect (opaque)
    page.reload()
    expect(page.get_by_role("heading", name="Alone with Dilnoza")).to_be_visible()
    assert re.search(r"step 2\b", page.locator(".crumb").inner_text())
    # two tabs: the second was rendered for the same step; its choice must not apply
    other = page.context.new_page()
    other.goto(page.url)
    page.get_by_role("button", name="Ask what she was promised before she came").click()
    expect(page.get_by_role("heading", name="What she was promised")).to_be_visible()
    other.get_by_role("button", name="Ask who holds her passport").click()
    expect(other.locator("#messages")).to_contain_text("out of date")
    expect(other.get_by_role("heading", name="What she was promised")).to_be_visible()
    # the back button re-shows the current passage, never an earlier state
    page.go_back()
    expect(page.get_by_role("heading", name="What she was promised")).to_be_visible()


def test_real_story_passage_is_accessible_at_desktop_width(page: Page, live_server: str):
    register(page, live_server)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server}/modules/building-site")
    page.get_by_role("button", name="Start a new attempt").click()
    expect(page.locator("h1#passage")).to_be_visible()
    assert serious_violations(page) == []
    shot(page, "building-site-1280")


def test_keyboard_only_play(page: Page, live_server: str):
    """No mouse: reach a choice with Tab, take it with Enter, tick a note with Space."""
    register(page, live_server)
    start_mini(page, live_server)
    page.locator("#passage").focus()

    def tab_to(selector: str, limit: int = 80) -> None:
        for _ in range(limit):
            page.keyboard.press("Tab")
            if page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"Tab never reached {selector}")

    tab_to("button.choice")
    expect(page.locator("button.choice").first).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Alone with Dilnoza")).to_be_visible()
    expect(page.locator("#passage")).to_be_focused()
    # the case notes: open a group from the keyboard and tick an indicator
    tab_to("details.note-group summary")
    page.keyboard.press("Enter")
    tab_to("details.note-group[open] input[type=checkbox]")
    page.keyboard.press("Space")
    expect(page.locator("details.note-group[open] input[type=checkbox]").first).to_be_checked()
    expect(page.locator("#notes-status")).to_have_text("Notes saved.")
