"""Story statistics and the passage graph (DOT and Mermaid)."""

from __future__ import annotations

import typing as t

import pytest

from trainer.story.analysis import story_stats
from trainer.story.catalogue import Catalogue
from trainer.story.compiler import compile_story
from trainer.story.graph import passage_kinds, to_dot, to_mermaid
from trainer.story.model import Story
from trainer.story.parser import parse_story

MakeStory = t.Callable[..., str]

BODY = """\
## The "start" {#start}

- [Go left](#left)
- [Go right](#right){if="role == 'ngo'"}

## Left {#left}

[A passport in a drawer.]{indicator=document-retention}

- [Finish | well](#end-good)

## Right {#right}

- [Give up](#end-missed)

## Lost {#lost}

- [Find the way](#end-good)

## Good {#end-good .ending outcome=good referrals=""}

## Missed {#end-missed .ending outcome=missed referrals=""}
"""


@pytest.fixture
def story(make_story: MakeStory, catalogue: Catalogue) -> Story:
    text = make_story(BODY, roles=["police", "ngo"], indicators=["document-retention"])
    compiled = compile_story(text, catalogue)
    assert compiled.ok and [d.code for d in compiled.diagnostics] == ["P006"]
    assert compiled.story is not None
    return compiled.story


def test_stats_enumerate_every_path(story: Story):
    stats = story_stats(story, runs=50, seed=3)
    assert stats.passages == 6 and stats.endings == ["end-good", "end-missed"]
    assert stats.exploration_complete and stats.paths_complete
    assert stats.paths == 3  # police: left; ngo: left or right
    assert stats.reachable_endings == ["end-good", "end-missed"]
    assert stats.unreachable_passages == ["lost"]
    good, missed = stats.endings_stats["end-good"], stats.endings_stats["end-missed"]
    assert (good.paths, good.min_steps, good.max_steps) == (2, 2, 2)
    assert (good.min_indicators, good.max_indicators) == (1, 1)
    assert (missed.paths, missed.max_indicators) == (1, 0)
    assert (stats.min_steps, stats.max_steps) == (2, 2)
    assert stats.indicators_cueable == ["coercion-destination.document-retention"]
    assert stats.indicators_never_cued == []


def test_random_playthroughs_are_reproducible(story: Story):
    a = story_stats(story, runs=60, seed=11)
    b = story_stats(story, runs=60, seed=11)
    assert a.random_endings == b.random_endings and a.choice_hits == b.choice_hits
    assert sum(a.random_endings.values()) == 60 and a.unfinished_runs == 0
    assert a.passage_hits["start"] == 60
    assert a.never_hit_passages == ["lost"] and a.never_hit_choices == ["lost:1"]


def test_dot_graph(story: Story):
    dot = to_dot(story)
    assert dot.startswith('digraph "test-story" {') and dot.rstrip().endswith("}")
    assert '"start" -> "left" [label="Go left"];' in dot
    assert '"start" -> "right" [label="Go right", style=dashed];' in dot  # conditional
    assert 'label="The \\"start\\"\\n#start"' in dot  # quotes escaped
    assert '"end-good" [label="Good\\n#end-good\\n[good]", shape=doubleoctagon];' in dot
    assert '"lost" [label="Lost\\n#lost", shape=box, color=gray' in dot
    assert dot.count(" -> ") == 5


def test_mermaid_graph(story: Story):
    mermaid = to_mermaid(story)
    assert mermaid.startswith("flowchart TD\n")
    assert '  p_start["The #quot;start#quot; #start"]:::start' in mermaid
    assert '  p_start -.->|"Go right"| p_right' in mermaid
    assert '  p_left -->|"Finish #124; well"| p_end_good' in mermaid  # '|' escaped
    assert '  p_end_good(["Good #end-good"]):::ending' in mermaid
    assert "  p_lost" in mermaid and ":::unreachable" in mermaid
    assert "classDef ending" in mermaid


def test_dead_ends_are_marked(make_story: MakeStory):
    parsed = parse_story(make_story("## A {#a}\n\n- [On](#b)\n\n## B {#b}\n\nNothing here."))
    assert parsed.story is not None
    assert passage_kinds(parsed.story) == {"a": "start", "b": "dead-end"}
    assert "color=red" in to_dot(parsed.story)
    assert ":::deadend" in to_mermaid(parsed.story)
