"""Helpers for scripted playthroughs of shipped modules (pure runtime, no browser)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import trainer.story
from trainer.story.catalogue import Catalogue
from trainer.story.loader import load_catalogue
from trainer.story.model import Story
from trainer.story.runtime import note
from trainer.story.state import State

STORIES = Path(__file__).resolve().parents[2] / "stories"
CATALOGUE: Catalogue = load_catalogue(STORIES / "catalogue")


@cache
def compiled_file(name: str) -> trainer.story.Compiled:
    """``stories/NAME`` compiled against the shipped catalogue (once per test run)."""
    path = STORIES / name
    return trainer.story.compile_story(path.read_bytes(), CATALOGUE, str(path))


def compile_file(name: str) -> Story:
    """The story of ``stories/NAME``, asserting it compiled without errors."""
    compiled = compiled_file(name)
    assert compiled.ok, [d.format() for d in compiled.diagnostics]
    assert compiled.story is not None
    return compiled.story


def cued_in(story: Story, passage_id: str) -> list[str]:
    """Indicators cued in one passage."""
    return [ind for cue in story.passages[passage_id].cues for ind in cue.indicators]


def cued_on_path(story: Story, state: State) -> set[str]:
    """Indicators cued anywhere on the attempt's path."""
    return {ind for pid in state.path for ind in cued_in(story, pid)}


def play(
    story: Story, role: str, path: list[tuple[str, str]], take_notes: bool, start: str
) -> State:
    """Follow ``path`` (choice key, passage reached) from passage ``start`` to an ending;
    with ``take_notes``, note every indicator cued in each passage."""
    state = trainer.story.start(story, role)
    assert state.passage == start
    for key, expected in path:
        if take_notes:
            for ind in cued_in(story, state.passage):
                state = note(state, ind, CATALOGUE)
        offered = [c.key for c in trainer.story.available_choices(story, state)]
        assert key in offered, f"{key} is not offered in {state.passage}: {offered}"
        state = trainer.story.choose(story, state, key)
        assert state.passage == expected
    if take_notes:
        for ind in cued_in(story, state.passage):
            state = note(state, ind, CATALOGUE)
    assert state.finished
    return state
