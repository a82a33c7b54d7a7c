"""Compare a translation with its original: same passages, choices and cues, same version.

A translation that drifts (a passage added only in Russian, a choice pointing elsewhere, a
cue dropped in translation) would give Russian-speaking learners a different case and a
different debrief, so every structural difference is an error.

Words can drift too: a sentence reworded in the original leaves the translation saying the
old thing. A translation records which version of the original it renders in its front
matter (``translates:``, a prefix of the original's content hash); the checker compares
it with the original's hash now, and :func:`stamp` writes it so no author computes hashes.
"""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from trainer.story.diagnostics import Diagnostics
from trainer.story.edit import Edited, EditError, set_key
from trainer.story.frontmatter import TRANSLATES_LENGTH
from trainer.story.i18n import _
from trainer.story.model import Passage, Story
from trainer.story.parser import content_hash

#: The codes about the version a translation renders, not about its structure.
FRESHNESS_CODES = ("T010", "T011")


def hash_prefix(story: Story) -> str:
    """The part of a story's content hash that a translation's ``translates`` records.

    A ``draft:`` line is left out: publishing the original only removes that line, and
    must not make every translation look out of date.
    """
    if "draft" not in story.meta.field_lines:
        return story.content_hash[:TRANSLATES_LENGTH]
    try:
        published = set_key(story.source.encode("utf-8"), "draft", None).data
    except EditError:
        return story.content_hash[:TRANSLATES_LENGTH]
    return content_hash(published.decode("utf-8"))[:TRANSLATES_LENGTH]


@dataclass(frozen=True)
class Freshness:
    """Which version of the original a translation renders, and the original's now."""

    recorded: str  # the translation's ``translates`` ("" when absent or malformed)
    current: str  # the original's hash prefix now

    @property
    def state(self) -> t.Literal["current", "stale", "untracked"]:
        """``current``, ``stale`` (the original changed since) or ``untracked``."""
        if not self.recorded:
            return "untracked"
        return "current" if self.recorded == self.current else "stale"


def freshness(original: Story, translation: Story) -> Freshness:
    """Compare the translation's ``translates`` with the original's content hash."""
    return Freshness(translation.meta.translates, hash_prefix(original))


def _choice_shape(p: Passage) -> list[tuple[object, ...]]:
    return [
        (
            c.target,
            c.condition_text.replace(" ", ""),
            c.effects_text.replace(" ", ""),
            c.once,
            c.fallback,
            c.practices,
            c.probes,
        )
        for c in p.choices
    ]


def check_original(story: Story, diags: Diagnostics) -> None:
    """An original (``ID.md``) translates nothing: report a ``translates`` field."""
    if "translates" in story.meta.field_lines:
        diags.warning(
            "T009",
            _(
                "'translates' belongs in a translation (ID.LANG.md) and says which version of "
                "the original it renders; an original has none, so remove the field."
            ),
            story.meta.field_lines["translates"],
            1,
        )


def _check_freshness(original: Story, translation: Story, diags: Diagnostics) -> None:
    found = freshness(original, translation)
    if found.state == "stale":
        diags.warning(
            "T010",
            _(
                "The original changed since this translation was made (translates: {old}, "
                "original is now {new}): review the translation, then set translates: {new}."
            ).format(old=found.recorded, new=found.current),
            translation.meta.field_lines.get("translates", 1),
            1,
        )
    elif found.state == "untracked" and "translates" not in translation.meta.field_lines:
        # (A malformed value is already an error, F012.)
        diags.info(
            "T011",
            _(
                "Freshness cannot be tracked: the front matter does not say which version of "
                "the original this translation renders. Add translates: {new} (or run "
                "'trainer stamp' on this file)."
            ).format(new=found.current),
            1,
            1,
        )


def compare_translation(original: Story, translation: Story, diags: Diagnostics) -> None:
    """Add T-codes to ``diags`` for every structural difference and for a stale version."""
    if original.id != translation.id:
        diags.error(
            "T006",
            _("A translation keeps the original's id '{id}'.").format(id=original.id),
            translation.meta.field_lines.get("id", 1),
            1,
        )
    for key in ("indicators", "ideal_referrals", "roles", "variables", "victim", "pass_mark"):
        if getattr(original.meta, key) != getattr(translation.meta, key):
            diags.error(
                "T007",
                _("'{key}' differs from the original; only words may change.").format(key=key),
                translation.meta.field_lines.get(key, 1),
                1,
            )
    orig_ids = list(original.passages)
    trans_ids = list(translation.passages)
    for pid in orig_ids:
        if pid not in translation.passages:
            diags.error(
                "T002",
                _("Passage '{id}' of the original is missing here; translate it.").format(id=pid),
                1,
                1,
            )
    for pid in trans_ids:
        if pid not in original.passages:
            diags.error(
                "T002",
                _("Passage '{id}' is not in the original; remove it or add it there first.").format(
                    id=pid
                ),
                translation.passages[pid].line,
                1,
            )
    common = [pid for pid in orig_ids if pid in translation.passages]
    if common != [pid for pid in trans_ids if pid in original.passages]:
        diags.warning(
            "T008",
            _("Passages are in a different order than in the original."),
            1,
            1,
        )
    for pid in common:
        a, b = original.passages[pid], translation.passages[pid]
        if (a.is_ending, a.outcome, a.referrals) != (b.is_ending, b.outcome, b.referrals):
            diags.error(
                "T003",
                _(
                    "Passage '{id}' is an ending with another outcome or referrals than in the "
                    "original."
                ).format(id=pid),
                b.line,
                1,
            )
        if _choice_shape(a) != _choice_shape(b):
            diags.error(
                "T003",
                _(
                    "The choices of '{id}' differ from the original (targets, order or "
                    "attributes); only labels and feedback may change."
                ).format(id=pid),
                b.choices[0].line if b.choices else b.line,
                1,
            )
        if [c.indicators for c in a.cues] != [c.indicators for c in b.cues]:
            diags.error(
                "T004",
                _(
                    "The cues of '{id}' differ from the original: it cues {a}, the translation {b}."
                ).format(
                    id=pid,
                    a=", ".join(i for c in a.cues for i in c.indicators) or "-",
                    b=", ".join(i for c in b.cues for i in c.indicators) or "-",
                ),
                b.cues[0].line if b.cues else b.line,
                1,
            )
    _check_freshness(original, translation, diags)


#: A file :func:`stamp` cannot record a version in (the message says why), and a stamped
#: file (its new bytes, and its ``translates`` before, "" if none, and now): the one-line
#: front-matter edit of :mod:`trainer.story.edit`, named for what stamping does with it.
StampError = EditError
Stamped = Edited


def stamp(data: bytes, prefix: str) -> Stamped:
    """Set ``translates: prefix`` in a story file's front matter, changing no other byte.

    An existing ``translates`` line keeps its spacing and comment and gets the new value; a
    missing one is added as the front matter's last line, with the file's own line ending.
    """
    return set_key(data, "translates", prefix)
