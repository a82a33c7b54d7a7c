"""Helpers for scripted playthroughs of shipped modules (pure runtime, no browser)."""

from __future__ import annotations

from collections.abc import Sequence
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

# One step of a scripted path: (choice key, passage reached), optionally followed by the
# indicators the learner writes into the case notes on arriving there.
Step = tuple[str, str] | tuple[str, str, tuple[str, ...]]


@cache
def compiled_file(name: str) -> trainer.story.Compiled:
    """``stories/NAME`` compiled against the shipped catalogue (once per test run)."""
    path = STORIES / name
    return trainer.story.compile_story(path.read_bytes(), CATALOGUE, str(path))


def compile_file(name: str, *, clean: bool = False) -> Story:
    """The story of ``stories/NAME``, asserting it compiled without errors; with ``clean``,
    also without warnings."""
    compiled = compiled_file(name)
    assert compiled.ok, [d.format() for d in compiled.diagnostics]
    if clean:
        assert compiled.count("error") == 0
        assert compiled.count("warning") == 0, [d.format() for d in compiled.diagnostics]
    assert compiled.story is not None
    return compiled.story


def cued_in(story: Story, passage_id: str) -> list[str]:
    """Indicators cued in one passage."""
    return [ind for cue in story.passages[passage_id].cues for ind in cue.indicators]


def cued_on_path(story: Story, state: State) -> set[str]:
    """Indicators cued anywhere on the attempt's path."""
    return {ind for pid in state.path for ind in cued_in(story, pid)}


def _write_notes(story: Story, state: State, indicators: Sequence[str]) -> State:
    """Note ``indicators`` in the current passage, asserting each is cued there."""
    cued = cued_in(story, state.passage)
    for ind in indicators:
        assert ind in cued, f"{ind} is not cued in {state.passage}"
        state = note(state, ind, CATALOGUE)
    return state


def play(
    story: Story,
    role: str,
    path: Sequence[Step],
    take_notes: bool = False,
    start: str | None = None,
    *,
    start_notes: Sequence[str] = (),
    exact_notes: bool = False,
) -> State:
    """Follow ``path`` (see ``Step``) from passage ``start`` (when given) to an ending.

    With ``take_notes``, note every indicator cued in each passage; otherwise note
    ``start_notes`` in the start passage and the indicators a step lists on arriving at its
    passage, asserting each is cued there. With ``exact_notes``, the indicators a step
    lists must be exactly those cued in its passage.
    """
    state = trainer.story.start(story, role)
    if start is not None:
        assert state.passage == start
    state = _write_notes(story, state, cued_in(story, state.passage) if take_notes else start_notes)
    for key, expected, *listed in path:
        offered = [c.key for c in trainer.story.available_choices(story, state)]
        assert key in offered, f"{key} is not offered in {state.passage}: {offered}"
        state = trainer.story.choose(story, state, key)
        assert state.passage == expected, f"{key} led to {state.passage}, expected {expected}"
        notes: Sequence[str] = listed[0] if listed else ()
        if exact_notes:
            assert set(notes) == set(cued_in(story, expected)), (
                f"notes at {expected} should match its cues"
            )
        state = _write_notes(story, state, cued_in(story, expected) if take_notes else notes)
    assert state.finished
    return state
