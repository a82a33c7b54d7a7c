"""A trainer and a learner in real browsers: cohort, assignment, join with the code, play,
matrix, transcript, CSV download, after-action report; axe checks and screenshots."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, create_engine

from tests.browser.conftest import shot
from tests.browser.test_learner_flow import register, serious_violations
from trainer.services.cohorts import set_role

pytestmark = pytest.mark.browser


def grant(tmp_path: Path, username: str, role: str = "trainer") -> None:
    """What an admin does: the live server's database is a file in ``tmp_path``."""
    engine = create_engine(f"sqlite:///{tmp_path / 'browser.sqlite'}")
    with Session(engine) as session:
        set_role(session, username, role)
    engine.dispose()


def matrix_cell(page: Page, learner: str):
    return page.locator("table.matrix tbody tr", has_text=learner).locator("td.cell").first


def test_trainer_runs_a_cohort(browser: Browser, page: Page, live_server: str, tmp_path: Path):
    # --- the trainer (desktop) creates a cohort and assigns a module
    trainer_ctx = browser.new_context(
        viewport={"width": 1280, "height": 900}, bypass_csp=True, accept_downloads=True
    )
    trainer = trainer_ctx.new_page()
    trainer.set_default_timeout(15_000)
    register(trainer, live_server, "coach")
    grant(tmp_path, "coach")
    trainer.goto(f"{live_server}/")
    trainer.get_by_role("link", name="Cohorts").click()
    expect(trainer.get_by_role("heading", name="My cohorts")).to_be_visible()
    trainer.get_by_label("Name of the cohort").fill("Bishkek labour inspectors")
    trainer.get_by_role("button", name="Create the cohort").click()
    expect(trainer.get_by_role("heading", name="Bishkek labour inspectors")).to_be_visible()
    code = trainer.locator("#join-code").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-9]{8}", code)
    assert f"/join/{code}" in trainer.locator("#join-link").inner_text()
    assert serious_violations(trainer) == []

    trainer.get_by_role("link", name="Assignments").click()
    trainer.get_by_role("link", name="Assign a module").click()
    trainer.get_by_label("Module").select_option("mini")
    trainer.get_by_label("Due date (UTC, end of the day)").fill("2099-06-30")
    trainer.get_by_label("The best score").check()
    assert serious_violations(trainer) == []
    trainer.get_by_role("button", name="Assign", exact=True).click()
    expect(trainer.locator("#messages")).to_contain_text("The module is assigned.")

    # --- the learner (phone) joins with the code and sees the assignment first
    register(page, live_server, "aigul")
    page.get_by_role("link", name="Join a cohort with a code from your trainer").click()
    page.get_by_label("Join code").fill(code.lower())
    page.get_by_role("button", name="Join", exact=True).click()
    expect(page.locator("#messages")).to_contain_text("You joined Bishkek labour inspectors")
    assignment = page.locator("li.assignment")
    expect(assignment).to_contain_text("2099-06-30")
    expect(assignment).to_contain_text("Not started")
    assert serious_violations(page) == []
    shot(page, "catalogue-assignments-360")

    # the trainer's matrix: not started
    trainer.get_by_role("link", name="Progress").click()
    expect(matrix_cell(trainer, "aigul")).to_contain_text("Not started")

    # --- the learner plays to an ending (noting the passport cue on the way)
    assignment.get_by_role("link", name="Start").click()
    page.get_by_label("Labour inspector").check()
    page.get_by_role("button", name="Start a new attempt").click()
    expect(page.get_by_role("heading", name="Arrival")).to_be_visible()
    trainer.reload()
    expect(matrix_cell(trainer, "aigul")).to_contain_text("In progress")

    page.get_by_text("Coercion at destination", exact=True).click()
    page.get_by_label("Boss holds passport or ID").check()
    expect(page.locator("#notes-status")).to_have_text("Notes saved.")
    page.get_by_role("button", name="Ask to speak with Dilnoza alone").click()
    page.get_by_role("button", name="Ask who holds her passport").click()
    page.get_by_role("button", name="Offer to refer her for help").click()
    expect(page.get_by_role("heading", name="Debrief")).to_be_visible()

    # --- the matrix cell changes; it opens the transcript
    trainer.reload()
    cell = matrix_cell(trainer, "aigul")
    expect(cell).to_contain_text(re.compile(r"(Passed|Failed) \d+"))
    score = re.search(r"(\d+)", cell.inner_text()).group(1)
    assert serious_violations(trainer) == []
    cell.get_by_role("link").click()
    expect(trainer.get_by_role("heading", name="Transcript: A new interview")).to_be_visible()
    expect(trainer.locator("ol.transcript > li")).to_have_count(4)  # 3 steps and the ending
    transcript = trainer.locator("ol.transcript")
    expect(transcript).to_contain_text("Chose: Ask to speak with Dilnoza alone")
    expect(trainer.locator("ol.transcript")).to_contain_text("+ Boss holds passport or ID")
    expect(trainer.get_by_role("heading", name="Debrief as the learner saw it")).to_be_visible()
    expect(trainer.locator("section.debrief")).to_contain_text(f"Score: {score} / 100")
    assert serious_violations(trainer) == []
    shot(trainer, "transcript-1280")

    # --- CSV download
    trainer.get_by_role("link", name="Progress").click()
    with trainer.expect_download() as info:
        trainer.get_by_role("link", name="attempts", exact=True).click()
    download = info.value
    assert re.fullmatch(r"cohort-\d+-attempts-\d{8}\.csv", download.suggested_filename)
    raw = Path(download.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][0] == "attempt_id" and rows[1][1] == "aigul" and rows[1][15] == score

    # --- analytics and the after-action report (printable)
    trainer.get_by_role("link", name="Story analytics").click()
    expect(trainer.locator("svg.graph")).to_be_visible()
    expect(trainer.get_by_role("heading", name="Indicators")).to_be_visible()
    assert serious_violations(trainer) == []
    trainer.get_by_role("link", name="After-action report").click()
    expect(trainer.get_by_role("heading", name="After-action report")).to_be_visible()
    expect(trainer.get_by_role("heading", name="Recommendations")).to_be_visible()
    expect(trainer.get_by_role("button", name="Print")).to_be_visible()
    assert serious_violations(trainer) == []
    trainer.emulate_media(media="print")
    expect(trainer.locator("header.site")).to_be_hidden()
    expect(trainer.locator("nav.tabs")).to_be_hidden()
    shot(trainer, "report-print")
    trainer_ctx.close()


def test_trainer_pages_of_a_large_cohort(browser: Browser, live_server: str, tmp_path: Path):
    """Screenshots of the matrix, analytics and report with generated data, at 360 and 1280."""
    from bench.bench_reports import TRAINER, populate
    from trainer import create_app

    app = create_app(
        {
            "SECRET_KEY": "browser-test",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'browser.sqlite'}",
            "STORIES_DIR": str(tmp_path / "stories"),
        }
    )
    made = populate(app, learners=40, assignments=6)
    app.extensions["trainer.engine"].dispose()
    context = browser.new_context(viewport={"width": 1280, "height": 900})  # CSP enforced
    page = context.new_page()
    page.set_default_timeout(15_000)
    blocked: list[str] = []
    page.on("console", lambda m: blocked.append(m.text) if "Content Security" in m.text else None)
    page.goto(f"{live_server}/auth/login")
    page.get_by_label("Username").fill(TRAINER[0])
    page.get_by_label("Password").fill(TRAINER[1])
    page.get_by_role("button", name="Sign in").click()
    base = f"{live_server}/trainer/cohorts/{made.cohort_id}"
    pages = {
        "matrix": base,
        "analytics": f"{base}/analytics?version={made.versions['building-site']}",
        "report": f"{base}/report",
    }
    for name, url in pages.items():
        for width in (1280, 360):
            page.set_viewport_size({"width": width, "height": 900 if width > 400 else 740})
            page.goto(url)
            expect(page.locator("main h1")).to_be_visible()
            # nothing but the scrollable tables may be wider than the screen
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, (name, width, overflow)
            shot(page, f"trainer-{name}-{width}")
        assert serious_violations(page) == [], name
    assert blocked == []
    context.close()
