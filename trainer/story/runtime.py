"""Playing a story: pure functions from (story, state, input) to a new state.

Nothing here mutates its input or touches IO, so the web layer can store each returned
state as one row, and a double submission or a replay can never half-apply a choice.
"""

from __future__ import annotations

from dataclasses import replace

from trainer.story import expr as ex
from trainer.story.catalogue import Catalogue
from trainer.story.i18n import _
from trainer.story.model import Choice, Story
from trainer.story.state import State


class PlayError(ValueError):
    """A move that is not allowed in this state (unknown choice, finished attempt...)."""


def env_for(state: State) -> ex.Env:
    """The expression environment of ``state``."""
    return ex.Env(state.variables, state.role, state.visited, state.noted)


def start(story: Story, role: str) -> State:
    """A new attempt at the story's start passage, playing ``role``."""
    if role not in story.meta.roles:
        raise PlayError(_("This story cannot be played as '{role}'.").format(role=role))
    return State(
        story_id=story.id,
        content_hash=story.content_hash,
        role=role,
        passage=story.start,
        variables=dict(story.meta.variables),
        path=(story.start,),
        finished=story.passages[story.start].is_ending,
    )


def is_open(choice: Choice, env: ex.Env, taken: tuple[str, ...]) -> bool:
    """Does the choice's own rule (``once``, ``if``) let it be shown?"""
    if choice.once and choice.key in taken:
        return False
    return choice.condition is None or bool(ex.evaluate(choice.condition, env))


def available_choices(story: Story, state: State) -> list[Choice]:
    """The choices the learner sees now, in file order (fallbacks only when nothing else)."""
    if state.finished:
        return []
    passage = story.passages[state.passage]
    env = env_for(state)
    open_ = [c for c in passage.choices if is_open(c, env, state.taken)]
    regular = [c for c in open_ if not c.fallback]
    return regular or [c for c in open_ if c.fallback]


def choose(story: Story, state: State, choice_key: str) -> State:
    """Take the choice ``choice_key`` (``passage:number``) and return the new state.

    :raises PlayError: when the attempt is over or the choice is not available now.
    """
    if state.finished:
        raise PlayError(_("This attempt has ended."))
    choice = next((c for c in available_choices(story, state) if c.key == choice_key), None)
    if choice is None:
        raise PlayError(_("That choice is not available here."))
    variables = ex.apply_effects(choice.effects, env_for(state))
    target = story.passages[choice.target]
    return replace(
        state,
        passage=target.id,
        variables=variables,
        path=(*state.path, target.id),
        taken=(*state.taken, choice.key),
        notes_at=(*state.notes_at, state.notes),
        finished=target.is_ending,
    )


def note(state: State, indicator_id: str, catalogue: Catalogue) -> State:
    """Add an indicator to the case notes (idempotent)."""
    if indicator_id not in catalogue.indicators:
        raise PlayError(_("Unknown indicator."))
    if state.noted(indicator_id):
        return state
    return replace(state, notes=(*state.notes, indicator_id))


def unnote(state: State, indicator_id: str) -> State:
    """Remove an indicator from the case notes (idempotent)."""
    return replace(state, notes=tuple(n for n in state.notes if n != indicator_id))


def set_notes(state: State, indicator_ids: list[str], catalogue: Catalogue) -> State:
    """Replace the case notes with ``indicator_ids`` (unknown ids are refused)."""
    unknown = [i for i in indicator_ids if i not in catalogue.indicators]
    if unknown:
        raise PlayError(_("Unknown indicator."))
    return replace(state, notes=tuple(dict.fromkeys(indicator_ids)))


def replay(story: Story, state: State, step: int) -> State:
    """A fresh state equal to ``state`` as it was after ``step`` choices.

    Used for "replay from here": the choices are re-applied, so the result is exactly what
    the learner saw then, notes included.
    """
    if not 0 <= step <= state.step:
        raise PlayError(_("There is no such step."))
    new = start(story, state.role)
    for i, key in enumerate(state.taken[:step]):
        new = replace(new, notes=state.notes_at[i])
        new = choose(story, new, key)
    notes = state.notes_at[step] if step < state.step else state.notes
    return replace(new, notes=notes)


def jump(
    story: Story, role: str, passage_id: str, variables: dict[str, ex.Value] | None = None
) -> State:
    """A state placed at any passage with any variables: the author's "test from here"."""
    if passage_id not in story.passages:
        raise PlayError(_("There is no such passage."))
    state = start(story, role)
    merged = dict(state.variables)
    for name, value in (variables or {}).items():
        if name in merged and type(value) is type(merged[name]):
            merged[name] = value
    return replace(
        state,
        passage=passage_id,
        variables=merged,
        path=(passage_id,),
        finished=story.passages[passage_id].is_ending,
    )
