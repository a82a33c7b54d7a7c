"""Parse → resolve → check → explore, in one call: what ``trainer check`` runs per file."""

from __future__ import annotations

from dataclasses import dataclass, field

from trainer.story.abstract import analyse
from trainer.story.catalogue import Catalogue
from trainer.story.checker import check_structure
from trainer.story.diagnostics import Diagnostic, Diagnostics, has_errors, sort_key
from trainer.story.explore import MAX_STATES, Exploration, explore
from trainer.story.i18n import _
from trainer.story.model import Story
from trainer.story.parser import parse_story
from trainer.story.resolve import resolve_story


@dataclass
class Compiled:
    """A checked story. ``story`` is usable for play only when ``ok`` is true."""

    story: Story | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    exploration: Exploration | None = None

    @property
    def ok(self) -> bool:
        """No errors (warnings allowed)."""
        return self.story is not None and not has_errors(self.diagnostics)

    def count(self, severity: str) -> int:
        """How many diagnostics of a severity (``error``, ``warning``, ``info``)."""
        return sum(1 for d in self.diagnostics if d.severity.label == severity)


def compile_story(
    data: str | bytes, catalogue: Catalogue, file: str = "", max_states: int = MAX_STATES
) -> Compiled:
    """Check a story file completely; never raises.

    :param data: the file's text or bytes.
    :param catalogue: the catalogues ids are resolved against.
    :param file: name used in diagnostics.
    """
    parsed = parse_story(data, file)
    diags = Diagnostics(file, list(parsed.diagnostics))
    if parsed.story is None:
        return Compiled(None, sorted(diags.items, key=sort_key))
    story = resolve_story(parsed.story, catalogue, diags)
    check_structure(story, catalogue, diags)
    exploration = None
    if not has_errors(diags.items):
        exploration = explore(story, max_states)
        _dynamic(story, exploration, diags)
    return Compiled(story, sorted(diags.items, key=sort_key), exploration)


def _dynamic(story: Story, found: Exploration, diags: Diagnostics) -> None:
    """Diagnostics that only simulated play can find."""
    for pid, path in found.stuck.items():
        diags.error(
            "D001",
            _(
                "A learner can get stuck in '{id}' with no choice available (after: {path}). "
                "Add a {{fallback}} choice or loosen the conditions."
            ).format(id=pid, path=" → ".join(path) or _("the start")),
            story.passages[pid].line,
            1,
        )
    for pid, path in found.no_exit.items():
        diags.error(
            "D002",
            _(
                "A learner who reaches '{id}' this way can never get to an ending (after: "
                "{path}); check the conditions of the loop."
            ).format(id=pid, path=" → ".join(path) or _("the start")),
            story.passages[pid].line,
            1,
        )
    if found.complete:
        reached, possible = found.passages, found.true_conditions
    else:
        diags.info(
            "D003",
            _(
                "The story has more than {n} distinct states, so conditions were checked "
                "with a broader analysis that reports only what can never happen."
            ).format(n=found.states),
            1,
            1,
        )
        approx = analyse(story)
        reached, possible = approx.passages, approx.possible_choices
    linked = _statically_reachable(story)
    for p in story.passages.values():
        for c in p.choices:
            if c.condition is not None and p.id in reached and c.key not in possible:
                diags.warning(
                    "X005",
                    _(
                        "The condition '{cond}' is never true when a learner reaches '{id}'; "
                        "the choice can never be shown."
                    ).format(cond=c.condition_text, id=p.id),
                    c.line,
                    c.column,
                )
        if p.id not in reached and p.id in linked:
            diags.warning(
                "D004",
                _(
                    "No playthrough can reach '{id}': the conditions on the way never allow it."
                ).format(id=p.id),
                p.line,
                1,
            )


def _statically_reachable(story: Story) -> set[str]:
    """Passages the choice graph links to from the start, whatever the conditions."""
    seen = {story.start}
    stack = [story.start]
    while stack:
        for c in story.passages[stack.pop()].choices:
            if c.target in story.passages and c.target not in seen:
                seen.add(c.target)
                stack.append(c.target)
    return seen
