"""An attempt's state: plain data, serialisable, versioned.

The state is stored apart from the story (ink's save-state idea): it names the story's
content hash, and carries a format version so that old saved states can be read, or
refused with a clear error, after the format changes.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field

from trainer.story.expr import Value

FORMAT_VERSION = 1


class StateError(ValueError):
    """A saved state that cannot be read."""


@dataclass(frozen=True)
class State:
    """Where a learner is in one attempt.

    ``path`` is every passage entered, start first; ``taken`` the key of every choice made,
    in order; ``notes_at`` the case notes at the moment of each choice (so a replay from
    any step restores the notes too).
    """

    story_id: str
    content_hash: str
    role: str
    passage: str
    variables: dict[str, Value] = field(default_factory=dict)
    path: tuple[str, ...] = ()
    taken: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    notes_at: tuple[tuple[str, ...], ...] = ()
    finished: bool = False

    @property
    def step(self) -> int:
        """How many choices have been made: the number a page must echo back."""
        return len(self.taken)

    def visited(self, passage_id: str) -> bool:
        """Has the learner been in ``passage_id`` during this attempt?"""
        return passage_id in self.path

    def noted(self, indicator_id: str) -> bool:
        """Is ``indicator_id`` in the case notes now?"""
        return indicator_id in self.notes

    def to_dict(self) -> dict[str, t.Any]:
        """JSON-ready form, with the format version."""
        return {
            "format": FORMAT_VERSION,
            "story_id": self.story_id,
            "content_hash": self.content_hash,
            "role": self.role,
            "passage": self.passage,
            "variables": dict(self.variables),
            "path": list(self.path),
            "taken": list(self.taken),
            "notes": list(self.notes),
            "notes_at": [list(n) for n in self.notes_at],
            "finished": self.finished,
        }

    @classmethod
    def from_dict(cls, data: t.Any) -> State:
        """Read a saved state; raises :class:`StateError` if it is not one we wrote."""
        if not isinstance(data, dict):
            raise StateError("a state must be a mapping")
        if data.get("format") != FORMAT_VERSION:
            raise StateError(f"unsupported state format {data.get('format')!r}")
        try:
            variables = data["variables"]
            if not isinstance(variables, dict) or not all(
                isinstance(k, str) and isinstance(v, (int, bool, str)) for k, v in variables.items()
            ):
                raise StateError("bad variables")
            state = cls(
                story_id=_str(data["story_id"]),
                content_hash=_str(data["content_hash"]),
                role=_str(data["role"]),
                passage=_str(data["passage"]),
                variables=dict(variables),
                path=_strs(data["path"]),
                taken=_strs(data["taken"]),
                notes=_strs(data["notes"]),
                notes_at=tuple(_strs(n) for n in _list(data["notes_at"])),
                finished=bool(data["finished"]),
            )
        except KeyError as exc:
            raise StateError(f"missing field {exc}") from None
        if len(state.notes_at) != len(state.taken) or len(state.path) != len(state.taken) + 1:
            raise StateError("inconsistent history")
        return state


def _str(value: t.Any) -> str:
    if not isinstance(value, str):
        raise StateError("expected text")
    return value


def _list(value: t.Any) -> list[t.Any]:
    if not isinstance(value, list):
        raise StateError("expected a list")
    return value


def _strs(value: t.Any) -> tuple[str, ...]:
    return tuple(_str(v) for v in _list(value))
