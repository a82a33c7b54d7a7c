"""Every shipped module: every ending can be reached and every indicator can be cued.

The proof is concrete: a passage counts as reachable only if the bounded exploration
entered it (every explored state is a real playthrough) or a seeded random playthrough
did. The over-approximating analysis is never used here, since it may say "maybe".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from trainer.story.analysis import story_stats
from trainer.story.compiler import compile_story
from trainer.story.explore import explore
from trainer.story.loader import STORY_NAME, load_catalogue

STORIES = Path(__file__).resolve().parents[2] / "stories"
ORIGINALS = sorted(
    p for p in STORIES.glob("*.md") if (m := STORY_NAME.match(p.name)) and not m.group("lang")
)


def test_there_are_six_modules_in_english_and_russian():
    ids = {p.stem for p in ORIGINALS}
    assert len(ids) >= 6
    for story_id in ids:
        assert (STORIES / f"{story_id}.ru.md").exists(), story_id


@pytest.mark.parametrize("path", ORIGINALS, ids=lambda p: p.stem)
def test_every_ending_and_indicator_is_reachable(path: Path):
    compiled = compile_story(path.read_bytes(), load_catalogue(STORIES / "catalogue"), path.name)
    assert compiled.ok and compiled.story is not None
    story = compiled.story
    stats = story_stats(story, runs=400, seed=7)
    reached = explore(story).passages | {p for p, n in stats.passage_hits.items() if n}
    endings = [p.id for p in story.passages.values() if p.is_ending]
    assert [e for e in endings if e not in reached] == []
    cued = {i for pid in reached for cue in story.passages[pid].cues for i in cue.indicators}
    assert [i for i in story.meta.indicators if i not in cued] == []
    outcomes = {story.passages[e].outcome for e in endings}
    assert {"good", "missed", "harmful"} <= outcomes
    assert len(story.passages) >= 30 and len(endings) >= 4
