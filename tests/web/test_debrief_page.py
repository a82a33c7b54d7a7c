"""The debrief of a real module on a phone-sized budget: long lists fold, sections link."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from trainer.config import ROOT
from trainer.starter import write_starter

CHOICE = re.compile(r'name="choice" value="([^"]+)"')


@pytest.fixture
def stories_dir(tmp_path: Path) -> Path:
    """The real catalogues, the starter story and the real building-site module."""
    folder = tmp_path / "stories"
    shutil.copytree(ROOT / "stories" / "catalogue", folder / "catalogue")
    write_starter("mini", folder)
    shutil.copy(ROOT / "stories" / "building-site.md", folder / "building-site.md")
    return folder


def play_last_choices(client, player, attempt: int) -> str:
    """Always take the last choice offered (the hasty path) until the debrief."""
    for _ in range(60):
        response = client.get(f"/attempts/{attempt}")
        if response.status_code == 302:
            assert response.headers["Location"].endswith(f"/attempts/{attempt}/debrief")
            return client.get(response.headers["Location"]).text
        player.choose(attempt, CHOICE.findall(response.text)[-1])
    raise AssertionError("no ending after 60 steps")


def test_long_list_of_questions_not_asked_starts_folded(client, auth, player):
    auth.register()
    attempt = player.start("building-site")
    page = play_last_choices(client, player, attempt)
    count = re.search(r"Not uncovered: a question would have brought them out \((\d+)\)", page)
    assert count and int(count.group(1)) > 3, page
    # folded on screen (no "open"), with the count visible in the summary
    assert '<details class="group" id="ind-not-uncovered">' in page
    assert '<details class="group" id="ind-missed" open>' in page
    # the summary counts agree with the lists they link to
    nav = re.search(r'<nav class="jump no-print"[^>]*>(.*?)</nav>', page, re.S)
    assert nav
    assert f"Not uncovered: {count.group(1)}</a>" in nav.group(1)
    missed = len(re.findall(r'<li class="indicator status-missed"', page))
    assert f"Missed: {missed}</a>" in nav.group(1)
