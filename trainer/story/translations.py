"""Compare a translation with its original: same passages, choices and cues.

A translation that drifts (a passage added only in Russian, a choice pointing elsewhere, a
cue dropped in translation) would give Russian-speaking learners a different case and a
different debrief, so every structural difference is an error.
"""

from __future__ import annotations

from trainer.story.diagnostics import Diagnostics
from trainer.story.i18n import _
from trainer.story.model import Passage, Story


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


def compare_translation(original: Story, translation: Story, diags: Diagnostics) -> None:
    """Add T-codes to ``diags`` for every structural difference."""
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
