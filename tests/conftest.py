"""Shared fixtures.

The story-core part (``catalogue``, ``make_story``, ``compile_text``) comes first and needs
nothing but the pure core; web fixtures may follow below it.
"""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import pytest

from trainer.story.catalogue import Catalogue
from trainer.story.compiler import Compiled, compile_story
from trainer.story.loader import load_catalogue

ROOT = Path(__file__).resolve().parent.parent
STORIES = ROOT / "stories"
CATALOGUE = STORIES / "catalogue"

#: Front matter that checks clean with any body that needs no variables or indicators.
DEFAULT_FRONT: dict[str, t.Any] = {
    "id": "test-story",
    "title": "A test story",
    "language": "en",
    "summary": "A story written inline by a test.",
    "roles": ["police"],
    "minutes": 5,
    "content_note": "None.",
    "indicators": [],
    "ideal_referrals": [],
}


class StoryText(str):
    """Story source that can say on which line a piece of text is (1-based)."""

    def line_of(self, needle: str, nth: int = 1) -> int:
        """The line holding the ``nth`` occurrence of ``needle``."""
        seen = 0
        for number, line in enumerate(self.split("\n"), start=1):
            if needle in line:
                seen += 1
                if seen == nth:
                    return number
        raise AssertionError(f"{needle!r} is not in the story")

    def column_of(self, needle: str, nth: int = 1) -> int:
        """The 1-based column where ``needle`` starts on its line."""
        return self.split("\n")[self.line_of(needle, nth) - 1].index(needle) + 1


def build_story(body: str, **front: t.Any) -> StoryText:
    """A story file: default front matter updated with ``front`` (``None`` drops a field),
    each value written as JSON (which is YAML), then ``body``."""
    fields = {**DEFAULT_FRONT, **front}
    lines = ["---"]
    lines += [
        f"{key}: {json.dumps(value, ensure_ascii=False)}"
        for key, value in fields.items()
        if value is not None
    ]
    lines.append("---")
    return StoryText("\n".join(lines) + "\n\n" + body.strip("\n") + "\n")


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The shipped English catalogue (stories/catalogue)."""
    loaded = load_catalogue(CATALOGUE)
    assert not loaded.problems, loaded.problems
    return loaded


@pytest.fixture
def make_story() -> t.Callable[..., StoryText]:
    """``make_story(body, **front)`` → story text; see :func:`build_story`."""
    return build_story


@pytest.fixture
def compile_text(catalogue: Catalogue) -> t.Callable[[str | bytes], Compiled]:
    """Compile a story text against the shipped catalogue."""

    def run(text: str | bytes) -> Compiled:
        return compile_story(text, catalogue, "story.md")

    return run
