"""Resolve short catalogue ids (``nrm``) to full ones (``referral.nrm``).

Authors write the short form; the runtime, the debrief and the database only ever see
full ids, so a story that says ``document-retention`` and one that says
``coercion-destination.document-retention`` mean exactly the same thing.
"""

from __future__ import annotations

from dataclasses import replace

from trainer.story import expr as ex
from trainer.story.catalogue import Catalogue
from trainer.story.diagnostics import Diagnostics
from trainer.story.i18n import _
from trainer.story.model import Choice, Cue, Meta, Passage, PracticeRef, Story

_CODES = {"indicator": "I001", "practice": "C006", "referral": "R001", "role": "F008"}
_NOUNS = {
    "indicator": "indicator",
    "practice": "practice",
    "referral": "referral",
    "role": "role",
}


class _Resolver:
    def __init__(self, catalogue: Catalogue, diags: Diagnostics) -> None:
        self.catalogue = catalogue
        self.diags = diags

    def one(self, kind: str, ref: str, line: int, column: int) -> str:
        full, candidates = self.catalogue.resolve(kind, ref)
        if full:
            return full
        if candidates:
            self.diags.error(
                "I002",
                _("'{ref}' could mean {candidates}; write the full id.").format(
                    ref=ref, candidates=", ".join(candidates)
                ),
                line,
                column,
            )
        else:
            self.diags.error(
                _CODES[kind],
                _("Unknown {kind} '{ref}'; see stories/catalogue/ for the ids.").format(
                    kind=_NOUNS[kind], ref=ref
                ),
                line,
                column,
            )
        return ref

    def many(self, kind: str, refs: tuple[str, ...], line: int, column: int) -> tuple[str, ...]:
        return tuple(self.one(kind, r, line, column) for r in refs)


def resolve_story(story: Story, catalogue: Catalogue, diags: Diagnostics) -> Story:
    """Return the story with every catalogue reference replaced by its full id."""
    r = _Resolver(catalogue, diags)
    meta = story.meta

    def field_line(key: str) -> int:
        return meta.field_lines.get(key, 1)

    new_meta: Meta = replace(
        meta,
        roles=r.many("role", meta.roles, field_line("roles"), 1),
        indicators=r.many("indicator", meta.indicators, field_line("indicators"), 1),
        ideal_referrals=r.many("referral", meta.ideal_referrals, field_line("ideal_referrals"), 1),
    )

    def noted(call: ex.Call, line: int) -> ex.Call:
        if call.func != "noted":
            return call
        return ex.Call("noted", r.one("indicator", call.arg, line, call.column + 1), call.column)

    def choice(c: Choice) -> Choice:
        def fix(node: ex.Node) -> ex.Node:
            return ex.map_calls(node, lambda call: noted(call, c.line))

        return replace(
            c,
            practices=tuple(
                PracticeRef(p.kind, r.one("practice", p.practice, c.line, c.column))
                for p in c.practices
            ),
            probes=r.many("indicator", c.probes, c.line, c.column),
            condition=fix(c.condition) if c.condition is not None else None,
            effects=tuple(ex.Effect(e.name, e.op, fix(e.expr), e.column) for e in c.effects),
        )

    def passage(p: Passage) -> Passage:
        return replace(
            p,
            cues=tuple(
                Cue(
                    r.many("indicator", cue.indicators, cue.line, cue.column),
                    cue.text,
                    cue.line,
                    cue.column,
                    cue.number,
                )
                for cue in p.cues
            ),
            choices=tuple(choice(c) for c in p.choices),
            referrals=r.many("referral", p.referrals, p.line, 1),
        )

    return replace(
        story,
        meta=new_meta,
        passages={pid: passage(p) for pid, p in story.passages.items()},
    )
