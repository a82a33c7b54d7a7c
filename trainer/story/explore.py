"""Bounded exploration of every state a learner can reach (ChoiceScript's Quicktest idea).

Static checks cannot tell whether ``if="trust >= 3"`` can ever be true, or whether a
learner can run out of questions; simulating every reachable state can. A state here is
what decides the future: passage, variables, which ``once`` choices were used and which
passages named in ``visited()`` were seen. Case notes are the learner's free input, so a
``noted()`` test is treated as possibly true and possibly false.

A state keeps only what can still matter, so long stories explore in linear time: ``once``
choices of a part of the story the learner has left for good (another strongly connected
component of the choice graph) are forgotten, and so is a ``visited(x)`` fact once no
passage ahead can test it. Both can never influence what happens next, so the diagnostics
are exactly those of the full state; only the number of states shrinks.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field

from trainer.story import expr as ex
from trainer.story.model import Choice, Story

MAX_STATES = 20_000
MAX_NOTED_ATOMS = 4

Key = tuple[str, tuple[tuple[str, ex.Value], ...], frozenset[str], frozenset[str], str]


@dataclass
class Exploration:
    """What exploration found. ``complete`` is False when the state bound was hit."""

    complete: bool = True
    states: int = 0
    passages: set[str] = field(default_factory=set)
    choices: set[str] = field(default_factory=set)
    true_conditions: set[str] = field(default_factory=set)
    endings: set[str] = field(default_factory=set)
    stuck: dict[str, list[str]] = field(default_factory=dict)
    no_exit: dict[str, list[str]] = field(default_factory=dict)
    edges: dict[Key, list[tuple[str, Key]]] = field(default_factory=dict)
    initial: list[Key] = field(default_factory=list)


def _atoms(choices: tuple[Choice, ...]) -> list[str]:
    found: list[str] = []
    for c in choices:
        if c.condition is None:
            continue
        for node in ex.walk(c.condition):
            if isinstance(node, ex.Call) and node.func == "noted" and node.arg not in found:
                found.append(node.arg)
    return found


def _uses_role(story: Story) -> bool:
    for p in story.passages.values():
        for c in p.choices:
            trees = [c.condition] if c.condition is not None else []
            trees += [e.expr for e in c.effects]
            if any(isinstance(n, ex.Role) for tree in trees for n in ex.walk(tree)):
                return True
    return False


def components(story: Story) -> dict[str, int]:
    """Passage id → rank of its strongly connected component in the choice graph.

    Ranks come out of Tarjan's algorithm sinks first, so every passage reachable from a
    passage of rank ``r`` has a rank ``<= r``, and a passage that can come back to another
    has the same rank. Iterative, so a long chain of passages cannot exhaust the stack.
    """
    graph = {
        pid: [c.target for c in p.choices if c.target in story.passages]
        for pid, p in story.passages.items()
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    rank: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    number = 0
    for root in graph:
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            node, i = work.pop()
            if i == 0:
                index[node] = low[node] = len(index)
                stack.append(node)
                on_stack.add(node)
            targets = graph[node]
            descended = False
            while i < len(targets):
                target = targets[i]
                i += 1
                if target not in index:
                    work += [(node, i), (target, 0)]
                    descended = True
                    break
                if target in on_stack:
                    low[node] = min(low[node], index[target])
            if descended:
                continue
            if low[node] == index[node]:
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    rank[member] = number
                    if member == node:
                        break
                number += 1
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[node])
    return rank


def visited_horizon(story: Story, rank: dict[str, int]) -> dict[str, int]:
    """Passage id named in ``visited()`` → the lowest rank of a passage testing it.

    ``visited(x)`` can still be tested ahead of a passage of rank ``r`` only if the
    horizon of ``x`` is ``<= r``; past that the fact can be forgotten.
    """
    horizon: dict[str, int] = {}
    for p in story.passages.values():
        for c in p.choices:
            trees = [c.condition] if c.condition is not None else []
            trees += [e.expr for e in c.effects]
            for tree in trees:
                for n in ex.walk(tree):
                    if isinstance(n, ex.Call) and n.func == "visited":
                        horizon[n.arg] = min(horizon.get(n.arg, rank[p.id]), rank[p.id])
    return horizon


def explore(story: Story, max_states: int = MAX_STATES) -> Exploration:
    """Breadth-first search over reachable states; never raises on a parsed story."""
    result = Exploration()
    if story.start not in story.passages or not story.meta.roles:
        result.complete = False
        return result
    roles = story.meta.roles if _uses_role(story) else story.meta.roles[:1]
    rank = components(story)
    horizon = visited_horizon(story, rank)

    def remembered(pid: str) -> bool:
        """Must entering ``pid`` be remembered for a later ``visited()``?"""
        return pid in horizon and horizon[pid] <= rank[pid]

    empty: frozenset[str] = frozenset()
    notes_by_passage = {pid: _assignments(_atoms(p.choices)) for pid, p in story.passages.items()}
    parents: dict[Key, tuple[Key | None, str]] = {}
    queue: deque[Key] = deque()
    for role in roles:
        start = story.start
        key: Key = (
            start,
            tuple(sorted(story.meta.variables.items())),
            empty,
            frozenset({start}) if remembered(start) else empty,
            role,
        )
        parents[key] = (None, "")
        result.initial.append(key)
        queue.append(key)

    while queue:
        key = queue.popleft()
        pid, var_items, used, seen, role = key
        passage = story.passages[pid]
        result.passages.add(pid)
        edges: list[tuple[str, Key]] = []
        result.edges[key] = edges
        if passage.is_ending:
            result.endings.add(pid)
            continue
        variables = dict(var_items)
        options = _options(passage.choices, notes_by_passage[pid], variables, role, seen, used)
        if pid not in result.stuck and any(not group for group in options):
            result.stuck[pid] = _path(parents, key)
        for choice in {c.key: c for group in options for c in group}.values():
            result.choices.add(choice.key)
            if choice.condition is not None:
                result.true_conditions.add(choice.key)
            if choice.target not in story.passages:
                continue
            env = ex.Env(variables, role, seen.__contains__, lambda _i: False)
            new_vars = ex.apply_effects(choice.effects, env)
            target = choice.target
            if rank[target] == rank[pid]:
                new_used = used | {choice.key} if choice.once else used
                new_seen = seen
            else:  # leaving this component for good: forget what cannot matter any more
                new_used = empty
                new_seen = frozenset(x for x in seen if horizon[x] <= rank[target])
            if target not in new_seen and remembered(target):
                new_seen = new_seen | {target}
            new_key: Key = (target, tuple(sorted(new_vars.items())), new_used, new_seen, role)
            edges.append((choice.key, new_key))
            if new_key not in parents:
                if len(parents) >= max_states:
                    result.complete = False
                    continue
                parents[new_key] = (key, choice.key)
                queue.append(new_key)
    result.states = len(parents)
    if result.complete:
        _find_no_exit(story, result, parents)
    return result


def _assignments(atoms: list[str]) -> list[frozenset[str]]:
    """The case notes to try for a passage: every combination of its ``noted()`` atoms."""
    if len(atoms) <= MAX_NOTED_ATOMS:
        return [
            frozenset(a for a, on in zip(atoms, bits, strict=True) if on)
            for bits in itertools.product((False, True), repeat=len(atoms))
        ]
    return [frozenset(), frozenset(atoms)]


def _options(
    choices: tuple[Choice, ...],
    assignments: list[frozenset[str]],
    variables: dict[str, ex.Value],
    role: str,
    seen: frozenset[str],
    used: frozenset[str],
) -> list[list[Choice]]:
    """The available-choice lists under each of the passage's ``noted()`` assignments."""
    groups = []
    for notes in assignments:
        env = ex.Env(variables, role, seen.__contains__, notes.__contains__)
        open_ = [
            c
            for c in choices
            if not (c.once and c.key in used)
            and (c.condition is None or bool(ex.evaluate(c.condition, env)))
        ]
        regular = [c for c in open_ if not c.fallback]
        groups.append(regular or [c for c in open_ if c.fallback])
    return groups


def _path(parents: dict[Key, tuple[Key | None, str]], key: Key) -> list[str]:
    steps: list[str] = []
    node: Key | None = key
    while node is not None:
        parent, choice_key = parents[node]
        if choice_key:
            steps.append(choice_key)
        node = parent
    return steps[::-1]


def _find_no_exit(
    story: Story, result: Exploration, parents: dict[Key, tuple[Key | None, str]]
) -> None:
    reverse: dict[Key, list[Key]] = {k: [] for k in result.edges}
    for src, outs in result.edges.items():
        for _c, dst in outs:
            reverse.setdefault(dst, []).append(src)
    good = {k for k in result.edges if story.passages[k[0]].is_ending}
    queue = deque(good)
    while queue:
        for prev in reverse.get(queue.popleft(), []):
            if prev not in good:
                good.add(prev)
                queue.append(prev)
    for key in result.edges:
        if key not in good and key[0] not in result.stuck and key[0] not in result.no_exit:
            result.no_exit[key[0]] = _path(parents, key)
