"""A sound over-approximation of play, for stories too big to explore state by state.

Interview hubs with many ``once`` questions have exponentially many concrete states, so
the exact exploration (:mod:`trainer.story.explore`) must stop at a bound. This analysis
keeps, per passage, only the *set* of values each variable can have there (non-relational
abstract interpretation; a set that grows past :data:`MAX_VALUES` becomes "any value"),
treats ``once`` choices and ``noted()`` as possibly available, and iterates to a fixpoint.

Everything it calls reachable may or may not be; everything it calls unreachable or
never true is certainly so. The checker therefore uses it only to report what can
*never* happen, which stays free of false alarms however large the story is.

``visited(x)`` facts are kept sparsely (no entry: certainly not visited) and only while a
passage ahead can still test them (see :func:`trainer.story.explore.visited_horizon`), so
an environment stays small and the analysis linear in the size of the story.
"""

from __future__ import annotations

import heapq
import itertools
from dataclasses import dataclass, field

from trainer.story import expr as ex
from trainer.story.explore import components, visited_horizon
from trainer.story.model import Story

MAX_VALUES = 32
MAX_COMBINATIONS = 4096


class _Top:
    """Any value of the variable's type."""

    def __repr__(self) -> str:
        return "TOP"


TOP = _Top()
Values = frozenset[ex.Value] | _Top
Env = dict[str, Values]


@dataclass
class Abstract:
    """Passages that may be reached and choices whose condition may be true."""

    passages: set[str] = field(default_factory=set)
    possible_choices: set[str] = field(default_factory=set)


def _join(a: Values, b: Values) -> Values:
    if isinstance(a, _Top) or isinstance(b, _Top):
        return TOP
    merged = a | b
    return TOP if len(merged) > MAX_VALUES else merged


def _expand(values: Values, kind: str) -> Values:
    if isinstance(values, _Top) and kind == "bool":
        return frozenset({True, False})
    return values


def _eval(node: ex.Node, env: Env, roles: frozenset[str], kinds: dict[str, str]) -> Values:
    """All values ``node`` may take under ``env``; TOP when too many to list."""
    if isinstance(node, ex.Literal):
        return frozenset({node.value})
    if isinstance(node, ex.Var):
        return _expand(env.get(node.name, TOP), kinds.get(node.name, "int"))
    if isinstance(node, ex.Role):
        return frozenset(roles)
    if isinstance(node, ex.Call):
        if node.func == "visited":
            return env.get("visited:" + node.arg, _NOT_VISITED)
        return frozenset({True, False})
    if isinstance(node, ex.Unary):
        inner = _eval(node.operand, env, roles, kinds)
        if node.op == "not":
            inner = _expand(inner, "bool")
            assert not isinstance(inner, _Top)
            return frozenset(not v for v in inner)
        return TOP if isinstance(inner, _Top) else frozenset(-_int(v) for v in inner)
    left = _eval(node.left, env, roles, kinds)
    right = _eval(node.right, env, roles, kinds)
    boolean_result = node.op not in ("+", "-")
    if isinstance(left, _Top) or isinstance(right, _Top):
        if node.op in ("and", "or"):
            left, right = _expand(left, "bool"), _expand(right, "bool")
        else:
            return frozenset({True, False}) if boolean_result else TOP
    assert not isinstance(left, _Top) and not isinstance(right, _Top)
    if len(left) * len(right) > MAX_COMBINATIONS:
        return frozenset({True, False}) if boolean_result else TOP
    out: set[ex.Value] = set()
    for a, b in itertools.product(left, right):
        out.add(ex.evaluate(ex.Binary(node.op, ex.Literal(a), ex.Literal(b), 0), _EMPTY))
    return TOP if len(out) > MAX_VALUES else frozenset(out)


def _int(value: ex.Value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


_EMPTY = ex.Env({}, "", lambda _p: False, lambda _i: False)
_NOT_VISITED: Values = frozenset({False})


def analyse(story: Story) -> Abstract:
    """Fixpoint over passages; always terminates (value sets only grow, and are capped)."""
    result = Abstract()
    if story.start not in story.passages:
        return result
    kinds = {
        name: "bool" if isinstance(v, bool) else "int" for name, v in story.meta.variables.items()
    }
    roles = frozenset(story.meta.roles)
    start_env: Env = {name: frozenset({v}) for name, v in story.meta.variables.items()}
    rank = components(story)
    horizon = visited_horizon(story, rank)

    def remembered(pid: str) -> bool:
        return pid in horizon and horizon[pid] <= rank[pid]

    if remembered(story.start):
        start_env["visited:" + story.start] = frozenset({True})
    envs: dict[str, Env] = {story.start: start_env}
    # Work upstream components first (highest rank) and finish each before the ones it
    # leads to, so a long story is swept once instead of in waves. The fixpoint does not
    # depend on the order; only the work does.
    queue: list[tuple[int, int, str]] = [(-rank[story.start], 0, story.start)]
    queued = {story.start}
    pushes = 0
    while queue:
        pid = heapq.heappop(queue)[2]
        queued.discard(pid)
        env = envs[pid]
        result.passages.add(pid)
        for choice in story.passages[pid].choices:
            if choice.target not in story.passages:
                continue
            if choice.condition is not None:
                possible = _expand(_eval(choice.condition, env, roles, kinds), "bool")
                if True not in possible:  # type: ignore[operator]
                    continue
            result.possible_choices.add(choice.key)
            new_env = dict(env)
            for effect in choice.effects:
                value = _eval(effect.expr, new_env, roles, kinds)
                if effect.op != "=":
                    old = new_env.get(effect.name, TOP)
                    if isinstance(old, _Top) or isinstance(value, _Top):
                        value = TOP
                    elif len(old) * len(value) > MAX_COMBINATIONS:
                        value = TOP
                    else:
                        sign = 1 if effect.op == "+=" else -1
                        value = frozenset(
                            _int(a) + sign * _int(b) for a, b in itertools.product(old, value)
                        )
                        value = TOP if len(value) > MAX_VALUES else value
                new_env[effect.name] = value
            target = choice.target
            if rank[target] != rank[pid]:  # forget visited() facts nothing ahead tests
                for key in [k for k in new_env if k.startswith("visited:")]:
                    if horizon[key[len("visited:") :]] > rank[target]:
                        del new_env[key]
            if remembered(target):
                new_env["visited:" + target] = frozenset({True})
            if _merge_into(envs, target, new_env) and target not in queued:
                pushes += 1
                heapq.heappush(queue, (-rank[target], pushes, target))
                queued.add(target)
    return result


def _merge_into(envs: dict[str, Env], pid: str, new: Env) -> bool:
    """Join ``new`` into the environment of ``pid``; True if anything grew."""
    old = envs.get(pid)
    if old is None:
        envs[pid] = new
        return True
    changed = False
    for key in old.keys() | new.keys():
        # Variables are in every environment; a missing visited() entry means "not visited".
        before = old.get(key, _NOT_VISITED)
        joined = _join(before, new.get(key, _NOT_VISITED))
        if joined != before:
            old[key] = joined
            changed = True
    return changed


def may_be_true(node: ex.Node, story: Story, roles: frozenset[str]) -> bool:
    """Can ``node`` be true for one of ``roles``, whatever the variables, visits and notes?"""
    kinds = {
        name: "bool" if isinstance(v, bool) else "int" for name, v in story.meta.variables.items()
    }
    possible = _expand(_eval(node, {}, roles, kinds), "bool")
    return isinstance(possible, _Top) or True in possible
