"""Playthroughs of the tobacco-farm module (scenario S3) with the pure story runtime.

Each path is a list of (choice key, passage reached) pairs, so the test documents the route
through the story and fails loudly if a passage id or a choice's position changes.
"""

from __future__ import annotations

import pytest

import trainer.story
from tests.stories.playthrough import (
    CATALOGUE,
    compile_file,
    cued_on_path,
    play,
)

START = "briefing"
ORIGINAL = "tobacco-farm.md"
RUSSIAN = "tobacco-farm.ru.md"
KYRGYZ = "tobacco-farm.ky.md"
TRANSLATIONS = [(RUSSIAN, "ru"), (KYRGYZ, "ky")]


# Labour inspector: a joint visit with the police, the owner kept away on a pretext, every
# question asked, the documents and the ledger secured, a health check, one interview.
GOOD_PATH = [
    ("briefing:1", "road"),  # joint police visit despite the moratorium
    ("road:2", "field"),
    ("field:1", "owner"),
    ("owner:1", "records"),  # labour-inspector branch
    ("records:1", "ledger"),
    ("ledger:1", "passports-owner"),
    ("passports-owner:1", "family"),
    ("family:3", "shed"),  # Daniyar takes Toktosun away
    ("shed:1", "needs"),
    ("needs:1", "intro"),
    ("intro:2", "hub"),  # the water choice is gone: needs was visited
    ("hub:1", "q-recruitment"),
    ("q-recruitment:1", "q-promise"),
    ("q-promise:1", "hub"),
    ("hub:2", "q-day"),
    ("q-day:1", "hub"),
    ("hub:3", "q-pay"),
    ("q-pay:1", "hub"),
    ("hub:4", "q-debt"),  # shown after q-pay or the records
    ("q-debt:1", "hub"),
    ("hub:5", "q-tally"),  # shown because debt-bondage is in the case notes
    ("q-tally:1", "hub"),
    ("hub:7", "q-passports"),  # trust >= 2
    ("q-passports:1", "hub"),
    ("hub:8", "q-leave"),
    ("q-leave:1", "hub"),
    ("hub:9", "kids"),
    ("kids:1", "k-day"),
    ("k-day:1", "kids"),
    ("kids:2", "k-school"),
    ("k-school:1", "kids"),
    ("kids:3", "k-sick"),
    ("k-sick:1", "kids"),
    ("kids:4", "k-play"),
    ("k-play:1", "kids"),
    ("kids:5", "k-told"),
    ("k-told:2", "hub"),
    ("hub:10", "decide"),  # the fallback: every question has been asked
    ("decide:1", "offer"),
    ("offer:2", "family-decides"),
    ("family-decides:1", "fears"),
    ("fears:1", "plan"),
    ("plan:1", "passports-back"),  # the owner was never alerted
    ("passports-back:1", "evidence"),  # labour-inspector branch
    ("evidence:1", "call-ngo"),
    ("call-ngo:1", "clinic"),
    ("clinic:1", "osh"),
    ("osh:1", "file"),
    ("file:1", "end-good"),
]

# Labour inspector: the owner is warned a week ahead, the family is told it is being
# «rescued», and the inspector serves an order and leaves.
HARMFUL_PATH = [
    ("briefing:2", "notice"),
    ("notice:2", "shed"),
    ("shed:3", "labels"),
    ("labels:1", "hub"),
    ("hub:1", "q-recruitment"),
    ("q-recruitment:4", "decide"),
    ("decide:3", "end-moved"),
]


def test_story_and_translations_compile_cleanly() -> None:
    for name in (ORIGINAL, RUSSIAN, KYRGYZ):
        assert compile_file(name, clean=True).meta.victim == "child"


def test_good_path_referral_with_every_indicator_noticed() -> None:
    story = compile_file("tobacco-farm.md")
    state = play(story, "labour-inspector", GOOD_PATH, take_notes=True, start=START)
    d = trainer.story.make_debrief(story, state, CATALOGUE)

    assert d.ending == "end-good"
    assert d.outcome == "good"
    cued = cued_on_path(story, state)
    assert cued == set(story.meta.indicators)  # this path shows the whole case
    assert {r.indicator for r in d.by_status("noticed")} == cued
    assert d.by_status("missed") == []
    assert d.referrals_missing == ()
    assert set(d.referrals_made) == set(d.referrals_ideal)
    assert [p for p in d.practices if p.kind == "poor"] == []
    assert d.trafficking_noticed  # child rule: a recruitment dimension plus EX
    assert d.passed is True


def test_harmful_path_reports_missed_cues_and_broken_practices() -> None:
    story = compile_file("tobacco-farm.md")
    state = play(story, "labour-inspector", HARMFUL_PATH, take_notes=False, start=START)
    d = trainer.story.make_debrief(story, state, CATALOGUE)

    assert d.ending == "end-moved"
    assert d.outcome == "harmful"
    assert d.referrals_made == ()

    missed = {r.indicator: r for r in d.by_status("missed")}
    expected = {
        "coercion-destination.coached-story": "notice",
        "exploitative-conditions.bad-living": "shed",
        "child.age-inappropriate-work": "hub",
        "vulnerability-recruitment.economic-need": "q-recruitment",
    }
    assert set(missed) == set(expected)
    for indicator, passage_id in expected.items():
        where = missed[indicator].where
        assert where is not None
        cue = next(c for c in story.passages[passage_id].cues if indicator in c.indicators)
        assert where.passage == passage_id
        assert where.text == cue.text
    assert d.by_status("noticed") == []

    poor = [p for p in d.practices if p.kind == "poor"]
    assert [(p.passage, p.practice) for p in poor] == [
        ("briefing", "practice.safety-first"),
        ("shed", "practice.ask-facts-not-labels"),
        ("shed", "practice.no-false-promises"),
        ("decide", "practice.safety-first"),
    ]
    assert all(p.feedback for p in poor)
    assert d.passed is False


@pytest.mark.parametrize(("name", "language"), TRANSLATIONS)
def test_translation_good_path_matches(name: str, language: str) -> None:
    original = compile_file(ORIGINAL)
    translated = compile_file(name)
    assert translated.meta.language == language
    en = play(original, "labour-inspector", GOOD_PATH, take_notes=True, start=START)
    tr = play(translated, "labour-inspector", GOOD_PATH, take_notes=True, start=START)
    d_en = trainer.story.make_debrief(original, en, CATALOGUE)
    d_tr = trainer.story.make_debrief(translated, tr, CATALOGUE)

    assert tr.path == en.path
    assert d_tr.ending == d_en.ending == "end-good"
    assert d_tr.outcome == "good"
    noticed_en = {r.indicator for r in d_en.by_status("noticed")}
    noticed_tr = {r.indicator for r in d_tr.by_status("noticed")}
    assert noticed_tr == noticed_en
    assert d_tr.by_status("missed") == []
    assert d_tr.passed is True


def test_role_branches_differ() -> None:
    story = compile_file("tobacco-farm.md")
    for role, own, other in (
        ("labour-inspector", "records", "papers"),
        ("social-worker", "papers", "records"),
    ):
        state = trainer.story.start(story, role)
        first = [c.target for c in trainer.story.available_choices(story, state)]
        assert first == ["road", "notice"]
        joint_visit = trainer.story.available_choices(story, state)[0]
        state = trainer.story.choose(story, state, joint_visit.key)
        state = trainer.story.choose(story, state, "road:1")
        assert state.passage == "owner"
        targets = [c.target for c in trainer.story.available_choices(story, state)]
        assert own in targets
        assert other not in targets
