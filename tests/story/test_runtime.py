"""Playing a story: pure functions from (story, state, input) to a new state."""

from __future__ import annotations

import dataclasses
import typing as t

import pytest

from trainer.story.catalogue import Catalogue
from trainer.story.compiler import compile_story
from trainer.story.model import Story
from trainer.story.runtime import (
    PlayError,
    available_choices,
    choose,
    jump,
    note,
    replay,
    set_notes,
    start,
    unnote,
)
from trainer.story.state import State

BODY = """\
## Hub {#hub}

**Ruslan:** [I keep their passports.]{indicator=document-retention}

- [Ask about the hours](#hours){once set="trust += 1"}
- [Ask about the passports](#papers){once if="trust >= 1"}
- [Ask about his debt](#debt){once if="noted(document-retention)" probes=debt-bondage}
- [Ask the police question](#debt){once if="role == 'police' and visited(hours)"}
- [Decide what to do](#decide){fallback}

## The hours {#hours}

**Aibek:** [From six until midnight.]{indicator=excessive-hours}

- [Back](#hub)

## The passports {#papers}

- [Back](#hub){set="asked = true"}

## The debt {#debt}

**Aibek:** [I owe for the ticket.]{indicator=debt-bondage}

- [Back](#hub)

## Decide {#decide}

- [Refer him](#end-good){if="asked"}
- [Leave](#end-missed)

## Referred {#end-good .ending outcome=good referrals="nrm"}

## Nothing found {#end-missed .ending outcome=missed referrals=""}
"""

FRONT: dict[str, t.Any] = {
    "roles": ["police", "ngo"],
    "variables": {"trust": 0, "asked": False},
    "indicators": ["document-retention", "excessive-hours", "debt-bondage"],
    "ideal_referrals": ["nrm"],
    "characters": ["Ruslan", "Aibek"],
}


@pytest.fixture
def story(make_story: t.Callable[..., str], catalogue: Catalogue) -> Story:
    compiled = compile_story(make_story(BODY, **FRONT), catalogue)
    assert compiled.diagnostics == []
    assert compiled.story is not None
    return compiled.story


def labels(story: Story, state: State) -> list[str]:
    return [c.label for c in available_choices(story, state)]


def test_start(story: Story):
    state = start(story, "police")
    assert (state.story_id, state.role, state.passage) == ("test-story", "police", "hub")
    assert state.content_hash == story.content_hash
    assert state.variables == {"trust": 0, "asked": False}
    assert state.path == ("hub",) and state.taken == () and not state.finished


def test_a_role_outside_the_story_is_refused(story: Story):
    with pytest.raises(PlayError):
        start(story, "prosecutor")


def test_conditions_decide_what_is_shown(story: Story):
    state = start(story, "police")
    assert labels(story, state) == ["Ask about the hours"]  # trust 0, nothing noted
    state = choose(story, state, "hub:1")
    assert state.variables["trust"] == 1 and state.passage == "hours"
    state = choose(story, state, "hours:1")
    assert labels(story, state) == ["Ask about the passports", "Ask the police question"]


def test_role_changes_the_choices(story: Story):
    police = choose(story, choose(story, start(story, "police"), "hub:1"), "hours:1")
    ngo = choose(story, choose(story, start(story, "ngo"), "hub:1"), "hours:1")
    assert "Ask the police question" in labels(story, police)
    assert "Ask the police question" not in labels(story, ngo)


def test_noted_indicators_open_choices(story: Story, catalogue: Catalogue):
    state = note(start(story, "ngo"), "coercion-destination.document-retention", catalogue)
    assert "Ask about his debt" in labels(story, state)
    assert "Ask about his debt" not in labels(story, unnote(state, state.notes[0]))


def test_once_choices_disappear_and_the_fallback_appears_last(story: Story):
    state = start(story, "ngo")
    for key in ("hub:1", "hours:1", "hub:2", "papers:1"):
        state = choose(story, state, key)
    assert state.variables == {"trust": 1, "asked": True}
    assert labels(story, state) == ["Decide what to do"]
    with pytest.raises(PlayError):
        choose(story, state, "hub:1")  # once: already taken


def test_choosing_records_history_and_finishes_on_an_ending(story: Story):
    state = start(story, "ngo")
    for key in ("hub:1", "hours:1", "hub:2", "papers:1", "hub:5", "decide:1"):
        state = choose(story, state, key)
    assert state.finished and state.passage == "end-good"
    assert state.path == ("hub", "hours", "hub", "papers", "hub", "decide", "end-good")
    assert state.taken == ("hub:1", "hours:1", "hub:2", "papers:1", "hub:5", "decide:1")
    assert state.step == 6 and len(state.notes_at) == 6
    assert available_choices(story, state) == []
    with pytest.raises(PlayError):
        choose(story, state, "decide:2")


def test_unavailable_or_unknown_choices_are_refused(story: Story):
    state = start(story, "police")
    for key in ("hub:2", "hub:99", "nowhere:1", "garbage"):
        with pytest.raises(PlayError):
            choose(story, state, key)


def test_states_are_never_mutated(story: Story, catalogue: Catalogue):
    state = start(story, "police")
    snapshot = dataclasses.asdict(state)
    choose(story, state, "hub:1")
    note(state, "coercion-destination.document-retention", catalogue)
    assert dataclasses.asdict(state) == snapshot
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.passage = "x"  # type: ignore[misc]


def test_notes_are_idempotent_and_checked(story: Story, catalogue: Catalogue):
    ind = "coercion-destination.document-retention"
    state = note(note(start(story, "police"), ind, catalogue), ind, catalogue)
    assert state.notes == (ind,) and state.noted(ind)
    assert unnote(unnote(state, ind), ind).notes == ()
    with pytest.raises(PlayError):
        note(state, "document-retention", catalogue)  # short ids are resolved before
    assert set_notes(state, [ind, ind], catalogue).notes == (ind,)
    with pytest.raises(PlayError):
        set_notes(state, ["made-up"], catalogue)


def test_notes_at_each_step_are_kept(story: Story, catalogue: Catalogue):
    ind = "coercion-destination.document-retention"
    state = choose(story, start(story, "police"), "hub:1")
    state = note(state, ind, catalogue)
    state = choose(story, state, "hours:1")
    assert state.notes_at == ((), (ind,))


def test_replay_from_any_step_restores_passage_variables_and_notes(
    story: Story, catalogue: Catalogue
):
    ind = "coercion-destination.document-retention"
    state = start(story, "police")
    state = choose(story, state, "hub:1")
    state = note(state, ind, catalogue)
    state = choose(story, state, "hours:1")
    state = choose(story, state, "hub:3")  # open only because of the note
    earlier = replay(story, state, 1)
    assert earlier.passage == "hours" and earlier.step == 1
    assert earlier.variables == {"trust": 1, "asked": False}
    assert earlier.notes == (ind,)  # notes as they were when step 2 was taken
    assert replay(story, state, 0) == start(story, "police")
    assert replay(story, state, state.step) == state
    with pytest.raises(PlayError):
        replay(story, state, 4)


def test_jump_places_a_state_anywhere(story: Story):
    state = jump(story, "police", "decide", {"asked": True, "trust": "x", "zzz": 1})
    assert state.passage == "decide" and state.path == ("decide",)
    assert state.variables == {"trust": 0, "asked": True}  # wrong types and names ignored
    assert labels(story, state) == ["Refer him", "Leave"]
    assert jump(story, "police", "end-good").finished
    with pytest.raises(PlayError):
        jump(story, "police", "nowhere")


def test_visited_counts_every_passage_on_the_path(story: Story):
    state = choose(story, start(story, "police"), "hub:1")
    assert state.visited("hub") and state.visited("hours") and not state.visited("debt")
