"""Shared fixtures.

The story-core part (``catalogue``, ``make_story``) comes first and needs nothing but the
pure core; web fixtures may follow below it.
"""

from __future__ import annotations

import json
import typing as t
from pathlib import Path

import pytest

from trainer.story.catalogue import Catalogue
from trainer.story.loader import load_catalogue

CATALOGUE = Path(__file__).resolve().parent.parent / "stories" / "catalogue"

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


def build_story(body: str, **front: t.Any) -> str:
    """A story file: the default front matter updated with ``front`` (``None`` drops a
    field), each value written as JSON (which is YAML), then a blank line and ``body``."""
    fields = {**DEFAULT_FRONT, **front}
    lines = ["---"]
    lines += [
        f"{key}: {json.dumps(value, ensure_ascii=False)}"
        for key, value in fields.items()
        if value is not None
    ]
    lines.append("---")
    return "\n".join(lines) + "\n\n" + body.strip("\n") + "\n"


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    """The shipped English catalogue (stories/catalogue)."""
    loaded = load_catalogue(CATALOGUE)
    assert not loaded.problems, loaded.problems
    return loaded


@pytest.fixture
def make_story() -> t.Callable[..., str]:
    """``make_story(body, **front)`` → the text of a story; see :func:`build_story`."""
    return build_story
