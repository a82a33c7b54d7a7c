"""Static checks of a resolved story: structure, references, expressions, graph.

Each check adds diagnostics and never stops the others, so an author sees every problem
in one run. Checks that need to simulate play live in :mod:`trainer.story.explore`.
"""

from __future__ import annotations

import re
from collections import deque

from trainer.story import expr as ex
from trainer.story.catalogue import Catalogue
from trainer.story.diagnostics import Diagnostics
from trainer.story.i18n import _
from trainer.story.model import Choice, Story


def check_structure(story: Story, catalogue: Catalogue, diags: Diagnostics) -> None:
    """Run every static check on ``story`` (already resolved against ``catalogue``)."""
    _check_meta(story, diags)
    _check_passages(story, diags)
    _check_cues(story, diags)
    _check_speakers(story, diags)
    _check_expressions(story, catalogue, diags)
    _check_graph(story, diags)


def _check_meta(story: Story, diags: Diagnostics) -> None:
    meta = story.meta
    if meta.start and meta.start not in story.passages:
        diags.error(
            "F011",
            _("'start' names passage '{id}', which does not exist.").format(id=meta.start),
            meta.field_lines.get("start", 1),
            1,
        )


def _check_passages(story: Story, diags: Diagnostics) -> None:
    for p in story.passages.values():
        if p.is_ending:
            if not p.outcome:
                diags.error(
                    "P009",
                    _(
                        "Ending '{id}' has no outcome: add outcome=good, partial, missed "
                        "or harmful."
                    ).format(id=p.id),
                    p.line,
                    1,
                )
            if p.choices:
                diags.error(
                    "P008",
                    _(
                        "Ending '{id}' has choices; an ending ends the attempt. Remove "
                        "them or remove '.ending'."
                    ).format(id=p.id),
                    p.choices[0].line,
                    1,
                )
            continue
        if not p.choices:
            diags.error(
                "P007",
                _(
                    "Passage '{id}' is a dead end: add choices, or mark it as an ending "
                    "with {{.ending outcome=...}}."
                ).format(id=p.id),
                p.line,
                1,
            )
            continue
        seen: dict[str, Choice] = {}
        fallbacks = [c for c in p.choices if c.fallback]
        for c in p.choices:
            if c.target not in story.passages:
                diags.error(
                    "C001",
                    _("Choice '{label}' goes to '#{target}', which is not a passage id.").format(
                        label=c.label, target=c.target
                    ),
                    c.line,
                    c.column,
                )
            if not c.label:
                diags.error(
                    "C002",
                    _("A choice has no label: write the words the learner clicks in [ ]."),
                    c.line,
                    c.column,
                )
            elif c.label.casefold() in seen:
                diags.warning(
                    "C003",
                    _(
                        "Two choices in '{id}' read '{label}'; the learner cannot tell them apart."
                    ).format(id=p.id, label=c.label),
                    c.line,
                    c.column,
                )
            seen.setdefault(c.label.casefold(), c)
        if len(fallbacks) > 1:
            diags.warning(
                "C010",
                _("Passage '{id}' has {n} fallback choices; only one is needed.").format(
                    id=p.id, n=len(fallbacks)
                ),
                fallbacks[1].line,
                fallbacks[1].column,
            )
        if not fallbacks and all(c.once for c in p.choices):
            diags.error(
                "C005",
                _(
                    "Every choice of '{id}' is 'once': when all are taken the learner is "
                    "stuck. Add a {{fallback}} choice."
                ).format(id=p.id),
                p.choices[-1].line,
                1,
            )


def _check_cues(story: Story, diags: Diagnostics) -> None:
    declared = set(story.meta.indicators)
    cued: set[str] = set()
    for p in story.passages.values():
        for cue in p.cues:
            for ind in cue.indicators:
                cued.add(ind)
                if ind not in declared:
                    diags.warning(
                        "I004",
                        _(
                            "Indicator '{id}' is cued here but not listed in the front "
                            "matter's 'indicators'; add it there."
                        ).format(id=ind),
                        cue.line,
                        cue.column,
                    )
    for ind in story.meta.indicators:
        if ind not in cued:
            diags.warning(
                "I003",
                _(
                    "Indicator '{id}' is declared but cued nowhere; add a cue "
                    "[text]{{indicator={id}}} or remove it."
                ).format(id=ind),
                story.meta.field_lines.get("indicators", 1),
                1,
            )


def _check_speakers(story: Story, diags: Diagnostics) -> None:
    characters = set(story.meta.characters)
    for p in story.passages.values():
        for sp in p.speakers:
            if sp.name not in characters:
                diags.warning(
                    "K001",
                    _(
                        "Speaker '{name}' is not in 'characters'; add the name there or fix "
                        "the spelling."
                    ).format(name=sp.name),
                    sp.line,
                    sp.column,
                )


def _check_expressions(story: Story, catalogue: Catalogue, diags: Diagnostics) -> None:
    variables = story.meta.variables
    used: set[str] = set()
    roles = set(story.meta.roles)
    for p in story.passages.values():
        for c in p.choices:
            nodes: list[tuple[ex.Node, str]] = []
            if c.condition is not None:
                nodes.append((c.condition, "if"))
                try:
                    if ex.infer_type(c.condition, variables) != "bool":
                        diags.error(
                            "X004",
                            _("The condition must be true or false, for example 'trust >= 1'."),
                            c.line,
                            c.column,
                        )
                except ex.ExprError as exc:
                    diags.error(
                        "X004", _("Type error: {m}.").format(m=exc.message), c.line, c.column
                    )
            for effect in c.effects:
                nodes.append((effect.expr, "set"))
                if effect.name not in variables:
                    diags.error(
                        "X002",
                        _("'set' changes '{name}', which is not declared in 'variables'.").format(
                            name=effect.name
                        ),
                        c.line,
                        c.column,
                    )
                    continue
                used.add(effect.name)
                _check_effect_type(effect, variables, diags, c)
            for node, _where in nodes:
                for sub in ex.walk(node):
                    _check_node(sub, story, catalogue, roles, variables, used, diags, c)
            # An expression that did not parse (X001) still shows which variables the
            # author meant to use; do not also call them unused (X003).
            unparsed = (c.condition_text if c.condition is None else "") + " "
            unparsed += c.effects_text if not c.effects else ""
            used.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", unparsed))
    for name in variables:
        if name not in used:
            diags.warning(
                "X003",
                _("Variable '{name}' is declared but never used; remove it.").format(name=name),
                story.meta.field_lines.get("variables", 1),
                1,
            )


def _check_effect_type(
    effect: ex.Effect, variables: dict[str, ex.Value], diags: Diagnostics, c: Choice
) -> None:
    target = "bool" if isinstance(variables[effect.name], bool) else "int"
    try:
        value = ex.infer_type(effect.expr, variables)
    except ex.ExprError as exc:
        diags.error("X004", _("Type error: {m}.").format(m=exc.message), c.line, c.column)
        return
    if effect.op != "=" and target != "int":
        diags.error(
            "X004",
            _("'{op}' needs a number variable; '{name}' is true/false.").format(
                op=effect.op, name=effect.name
            ),
            c.line,
            c.column,
        )
    elif value != target:
        diags.error(
            "X004",
            _("'{name}' holds a {want}; it cannot be set to a {got}.").format(
                name=effect.name,
                want=_("number") if target == "int" else _("true/false value"),
                got=_("number")
                if value == "int"
                else _("text")
                if value == "str"
                else _("true/false value"),
            ),
            c.line,
            c.column,
        )


def _check_node(
    node: ex.Node,
    story: Story,
    catalogue: Catalogue,
    roles: set[str],
    variables: dict[str, ex.Value],
    used: set[str],
    diags: Diagnostics,
    c: Choice,
) -> None:
    if isinstance(node, ex.Var):
        if node.name in variables:
            used.add(node.name)
        else:
            diags.error(
                "X002",
                _("Variable '{name}' is not declared; add it to 'variables'.").format(
                    name=node.name
                ),
                c.line,
                c.column,
            )
    elif isinstance(node, ex.Call) and node.func == "visited":
        if node.arg not in story.passages:
            diags.error(
                "X006",
                _("visited({arg}) names no passage.").format(arg=node.arg),
                c.line,
                c.column,
            )
    elif isinstance(node, ex.Binary) and node.op in ("==", "!="):
        for a, b in ((node.left, node.right), (node.right, node.left)):
            if isinstance(a, ex.Role) and isinstance(b, ex.Literal) and isinstance(b.value, str):
                full, _cands = catalogue.resolve("role", b.value)
                if full is None:
                    diags.error(
                        "X007",
                        _("'{value}' is not a role id.").format(value=b.value),
                        c.line,
                        c.column,
                    )
                elif full not in roles:
                    diags.warning(
                        "X007",
                        _(
                            "Role '{value}' is not in this story's 'roles', so this test "
                            "never matches."
                        ).format(value=b.value),
                        c.line,
                        c.column,
                    )


def _check_graph(story: Story, diags: Diagnostics) -> None:
    """Unreachable passages and passages from which no ending can be reached."""
    if story.start not in story.passages:
        return
    edges = {
        pid: [c.target for c in p.choices if c.target in story.passages]
        for pid, p in story.passages.items()
    }
    reach = {story.start}
    queue = deque([story.start])
    while queue:
        for nxt in edges[queue.popleft()]:
            if nxt not in reach:
                reach.add(nxt)
                queue.append(nxt)
    reverse: dict[str, list[str]] = {pid: [] for pid in story.passages}
    for pid, targets in edges.items():
        for target in targets:
            reverse[target].append(pid)
    can_end = {pid for pid, p in story.passages.items() if p.is_ending}
    queue = deque(can_end)
    while queue:
        for prev in reverse[queue.popleft()]:
            if prev not in can_end:
                can_end.add(prev)
                queue.append(prev)
    for pid, p in story.passages.items():
        if pid not in reach:
            diags.warning(
                "P006",
                _(
                    "Passage '{id}' cannot be reached from the start; link to it or remove it."
                ).format(id=pid),
                p.line,
                1,
            )
        elif pid not in can_end and p.choices:
            diags.error(
                "P011",
                _(
                    "From passage '{id}' no ending can be reached: the learner is caught in a "
                    "loop. Add a choice that leads towards an ending."
                ).format(id=pid),
                p.line,
                1,
            )
