"""The parsed story: plain, immutable data that carries its source positions.

Everything here is produced by :mod:`trainer.story.parser` and read by the checker, the
runtime and the debrief. Positions are kept so any later finding can point at a line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from trainer.story.expr import Effect, Node, Value

OUTCOMES = ("good", "partial", "missed", "harmful")


@dataclass(frozen=True)
class Cue:
    """A span of prose where one or more indicators are in front of the learner."""

    indicators: tuple[str, ...]
    text: str
    line: int
    column: int
    number: int  # 1-based within the passage, used for anchors (``cue-arrival-2``)


@dataclass(frozen=True)
class PracticeRef:
    """A practice a choice follows (``good``) or breaks (``poor``)."""

    kind: str
    practice: str


@dataclass(frozen=True)
class Choice:
    """One option at the end of a passage."""

    passage: str
    number: int  # 1-based position in the passage's list: the choice's stable id there
    label: str
    target: str
    line: int
    column: int
    condition: Node | None = None
    condition_text: str = ""
    effects: tuple[Effect, ...] = ()
    effects_text: str = ""
    once: bool = False
    fallback: bool = False
    practices: tuple[PracticeRef, ...] = ()
    probes: tuple[str, ...] = ()
    feedback: str = ""

    @cached_property
    def key(self) -> str:
        """``passage:number``, unique in the story (cached: exploration asks very often)."""
        return f"{self.passage}:{self.number}"


@dataclass(frozen=True)
class Speaker:
    """A ``**Name:**`` line."""

    name: str
    line: int
    column: int


@dataclass(frozen=True)
class Passage:
    """A heading, its prose and its choices."""

    id: str
    title: str
    line: int
    body: str  # Markdown source of the prose, cue markup included
    body_line: int  # line of the body's first line
    cues: tuple[Cue, ...] = ()
    choices: tuple[Choice, ...] = ()
    speakers: tuple[Speaker, ...] = ()
    is_ending: bool = False
    outcome: str = ""
    referrals: tuple[str, ...] = ()


@dataclass(frozen=True)
class Meta:
    """The front matter, typed."""

    id: str = ""
    title: str = ""
    language: str = "en"
    summary: str = ""
    roles: tuple[str, ...] = ()
    minutes: int = 0
    content_note: str = ""
    victim: str = "adult"
    characters: tuple[str, ...] = ()
    variables: dict[str, Value] = field(default_factory=dict)
    indicators: tuple[str, ...] = ()
    ideal_referrals: tuple[str, ...] = ()
    pass_mark: int = 70
    start: str = ""
    translates: str = ""  # in a translation: the original's content hash prefix it matches
    draft: bool = False  # kept out of the learners' catalogue until published
    line: int = 1  # first line of the front matter
    field_lines: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Story:
    """A whole story file."""

    meta: Meta
    passages: dict[str, Passage]
    file: str = ""
    content_hash: str = ""
    source: str = ""

    @property
    def id(self) -> str:
        """The story id from the front matter."""
        return self.meta.id

    @property
    def start(self) -> str:
        """The passage an attempt starts in."""
        if self.meta.start:
            return self.meta.start
        return next(iter(self.passages), "")

    def choice(self, key: str) -> Choice | None:
        """Find a choice by its ``passage:number`` key."""
        passage_id, _, number = key.rpartition(":")
        passage = self.passages.get(passage_id)
        if passage is None or not number.isdigit():
            return None
        n = int(number)
        return passage.choices[n - 1] if 1 <= n <= len(passage.choices) else None

    def cue_passages(self) -> dict[str, list[tuple[Passage, Cue]]]:
        """Indicator id → every (passage, cue) that shows it, in file order."""
        found: dict[str, list[tuple[Passage, Cue]]] = {}
        for passage in self.passages.values():
            for cue in passage.cues:
                for indicator in cue.indicators:
                    found.setdefault(indicator, []).append((passage, cue))
        return found
