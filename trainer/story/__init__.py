"""The pure story core: parse, check, play and debrief Markdown stories.

Imports only the standard library, PyYAML, Markdown and nh3: never Flask or the database,
so it can be used from the command line, tests and any web layer alike.
"""

from __future__ import annotations

from trainer.story.catalogue import Catalogue, build_catalogue
from trainer.story.compiler import Compiled, compile_story
from trainer.story.debrief import Debrief, make_debrief
from trainer.story.diagnostics import Diagnostic, Severity
from trainer.story.model import Choice, Cue, Passage, Story
from trainer.story.parser import parse_story
from trainer.story.runtime import (
    PlayError,
    available_choices,
    choose,
    note,
    replay,
    start,
    unnote,
)
from trainer.story.state import State, StateError

__all__ = [
    "Catalogue",
    "Choice",
    "Compiled",
    "Cue",
    "Debrief",
    "Diagnostic",
    "Passage",
    "PlayError",
    "Severity",
    "State",
    "StateError",
    "Story",
    "available_choices",
    "build_catalogue",
    "choose",
    "compile_story",
    "make_debrief",
    "note",
    "parse_story",
    "replay",
    "start",
    "unnote",
]
