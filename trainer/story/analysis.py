"""Story statistics: exhaustive (bounded) path enumeration plus seeded random playthroughs.

Authors need to know which endings can be reached, what the shortest and longest
interviews are, and how many indicators a learner can have seen by each ending; trainers
need to know that every indicator can be uncovered. ChoiceScript's Quicktest/Randomtest
answer the same questions for its games.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field, replace

from trainer.story.abstract import analyse
from trainer.story.explore import Exploration, Key, explore
from trainer.story.model import Story
from trainer.story.runtime import available_choices, choose, start

NOTE_CHANCE = 0.25
MAX_PATHS = 20_000
MAX_WORK = 400_000


@dataclass
class EndingStats:
    """Per ending: how many paths reach it, their lengths and indicators seen."""

    paths: int = 0
    min_steps: int = 0
    max_steps: int = 0
    min_indicators: int = 0
    max_indicators: int = 0


@dataclass
class Stats:
    """Everything ``trainer stats`` prints."""

    passages: int
    endings: list[str]
    states: int
    exploration_complete: bool
    paths_complete: bool
    paths: int
    reachable_endings: list[str]
    unreachable_passages: list[str]
    endings_stats: dict[str, EndingStats] = field(default_factory=dict)
    runs: int = 0
    seed: int = 0
    random_endings: Counter[str] = field(default_factory=Counter)
    passage_hits: Counter[str] = field(default_factory=Counter)
    choice_hits: Counter[str] = field(default_factory=Counter)
    never_hit_passages: list[str] = field(default_factory=list)
    never_hit_choices: list[str] = field(default_factory=list)
    indicators_cueable: list[str] = field(default_factory=list)
    indicators_never_cued: list[str] = field(default_factory=list)
    unfinished_runs: int = 0

    @property
    def min_steps(self) -> int:
        """Shortest path to any ending."""
        return min((e.min_steps for e in self.endings_stats.values()), default=0)

    @property
    def max_steps(self) -> int:
        """Longest loop-free path to any ending."""
        return max((e.max_steps for e in self.endings_stats.values()), default=0)


def _cued(story: Story, pid: str) -> set[str]:
    return {i for cue in story.passages[pid].cues for i in cue.indicators}


def _record(stats: dict[str, EndingStats], pid: str, steps: int, count: int) -> None:
    """Fold one path (length, indicators seen) into the ending's figures."""
    e = stats.get(pid)
    if e is None:
        stats[pid] = EndingStats(1, steps, steps, count, count)
        return
    e.paths += 1
    e.min_steps, e.max_steps = min(e.min_steps, steps), max(e.max_steps, steps)
    e.min_indicators = min(e.min_indicators, count)
    e.max_indicators = max(e.max_indicators, count)


def enumerate_paths(story: Story, found: Exploration) -> tuple[dict[str, EndingStats], int, bool]:
    """Depth-first walk over loop-free paths of the state graph, within a work budget."""
    stats: dict[str, EndingStats] = {}
    total = 0
    work = 0
    complete = found.complete
    cue_cache = {pid: _cued(story, pid) for pid in story.passages}
    for root in found.initial:
        # stack of (state, depth, indicators-so-far, states on path)
        stack: list[tuple[Key, int, frozenset[str], frozenset[Key]]] = [
            (root, 0, frozenset(cue_cache[root[0]]), frozenset({root}))
        ]
        while stack:
            work += 1
            if work > MAX_WORK or total >= MAX_PATHS:
                complete = False
                break
            key, depth, seen, on_path = stack.pop()
            pid = key[0]
            if story.passages[pid].is_ending:
                total += 1
                _record(stats, pid, depth, len(seen & set(story.meta.indicators)))
                continue
            for _choice, nxt in found.edges.get(key, []):
                if nxt not in on_path:
                    stack.append((nxt, depth + 1, seen | cue_cache[nxt[0]], on_path | {nxt}))
    return stats, total, complete


def random_playthroughs(story: Story, runs: int, seed: int, stats: Stats) -> None:
    """Play ``runs`` random attempts (every role in turn); count what they hit."""
    declared = set(story.meta.indicators)
    case = sorted(declared)
    rng = random.Random(seed)  # noqa: S311 (reproducible sampling, not security)
    limit = max(100, 4 * len(story.passages))
    for run in range(runs):
        state = start(story, story.meta.roles[run % len(story.meta.roles)])
        stats.passage_hits[state.passage] += 1
        for _ in range(limit):
            options = available_choices(story, state)
            if not options:
                break
            if case and rng.random() < NOTE_CHANCE:
                # Learners take notes, and some choices depend on them (noted()).
                picked = rng.choice(case)
                if picked not in state.notes:
                    state = replace(state, notes=(*state.notes, picked))
            choice = rng.choice(options)
            stats.choice_hits[choice.key] += 1
            state = choose(story, state, choice.key)
            stats.passage_hits[state.passage] += 1
        if state.finished:
            stats.random_endings[state.passage] += 1
            seen = {i for pid in state.path for i in _cued(story, pid)}
            _record(stats.endings_stats, state.passage, state.step, len(seen & declared))
        else:
            stats.unfinished_runs += 1


def story_stats(story: Story, runs: int = 1000, seed: int = 1) -> Stats:
    """Analyse a story that compiled without errors."""
    found = explore(story)
    endings = [p.id for p in story.passages.values() if p.is_ending]
    per_ending, total, paths_complete = enumerate_paths(story, found)
    # Past the exploration bound, the sound over-approximation says what may be reached.
    reached = found.passages if found.complete else analyse(story).passages
    cueable = sorted({i for pid in reached for i in _cued(story, pid)})
    stats = Stats(
        passages=len(story.passages),
        endings=endings,
        states=found.states,
        exploration_complete=found.complete,
        paths_complete=paths_complete,
        paths=total,
        reachable_endings=[e for e in endings if e in reached],
        unreachable_passages=[p for p in story.passages if p not in reached],
        endings_stats=per_ending,
        runs=runs,
        seed=seed,
        indicators_cueable=[i for i in story.meta.indicators if i in cueable],
        indicators_never_cued=[i for i in story.meta.indicators if i not in cueable],
    )
    if story.meta.roles and not paths_complete:
        # Random runs add what the bounded enumeration could not see.
        random_playthroughs(story, runs, seed, stats)
    elif story.meta.roles:
        scratch = Stats(0, [], 0, True, True, 0, [], [])
        random_playthroughs(story, runs, seed, scratch)
        stats.random_endings = scratch.random_endings
        stats.passage_hits, stats.choice_hits = scratch.passage_hits, scratch.choice_hits
        stats.unfinished_runs = scratch.unfinished_runs
    stats.never_hit_passages = [p for p in story.passages if not stats.passage_hits[p]]
    stats.never_hit_choices = [
        c.key for p in story.passages.values() for c in p.choices if not stats.choice_hits[c.key]
    ]
    return stats
