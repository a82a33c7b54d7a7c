"""Playthroughs of the Osh Bazaar module (scenario S5, a child used for begging).

The pure story runtime only: no browser, no database. Each route is a list of
(choice key, passage reached) pairs, so the test documents the way through the story and
fails loudly if a passage id or the position of a choice changes.
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

START = "arrival"
ORIGINAL = "osh-bazaar.md"
RUSSIAN = "osh-bazaar.ru.md"
KYRGYZ = "osh-bazaar.ky.md"


# Police officer: watches before approaching, hears the stall-holder, warms the boy up,
# separates him from the «aunt» on a routine pretext, talks to him at the rehabilitation
# centre with a psychologist, asks every question, then refers him to child protection,
# a doctor and the investigators, and leaves the family check to social services.
GOOD_PATH = [
    ("arrival:1", "watch"),  # watch first: the minibus and the hourly collection
    ("watch:1", "gulzat"),
    ("gulzat:1", "approach"),  # her name is kept out of it
    ("approach:1", "tea"),  # tea and a samsa: trust 1
    ("tea:1", "aunt-arrives"),
    ("aunt-arrives:2", "separate"),  # police branch: the routine pretext
    ("separate:1", "centre"),
    ("centre:1", "hub"),  # who you are, and that he may refuse: trust 2
    ("hub:1", "q-day"),
    ("q-day:1", "hub"),
    ("hub:2", "q-home"),
    ("q-home:1", "hub"),  # the changed story is made safe: trust 3
    ("hub:3", "q-mama"),
    ("q-mama:1", "hub"),
    ("hub:4", "q-school"),
    ("q-school:1", "hub"),  # not his fault: trust 4
    ("hub:5", "q-money"),
    ("q-money:1", "q-short"),  # trust >= 2, so he tells what happens on a light day
    ("q-short:1", "hub"),  # a break
    ("hub:6", "q-police"),  # shown because trust >= 1
    ("q-police:1", "hub"),
    ("hub:7", "q-minibus"),  # shown because moved-daily is in the case notes
    ("q-minibus:1", "hub"),
    ("hub:8", "decide"),  # the fallback: every question has been asked
    ("decide:1", "placement"),
    ("placement:1", "clinic"),
    ("clinic:1", "door"),
    ("door:3", "network"),  # police branch: the note taken as evidence, nothing revealed
    ("network:1", "briefing"),  # police branch
    ("briefing:1", "family"),  # one recorded interview
    ("family:1", "file"),  # child protection in Talas checks the family
    ("file:1", "end-good"),
]

# The same route played as a social worker: only the role branches differ (child protection
# is the pretext for the separation, and the police get a written report).
SOCIAL_WORKER_STEPS = {
    "aunt-arrives:2": "aunt-arrives:3",
    "door:3": "door:2",
    "network:1": "network:2",
}
SOCIAL_WORKER_PATH = [(SOCIAL_WORKER_STEPS.get(key, key), passage) for key, passage in GOOD_PATH]

# Police officer: sees the hourly collection, then walks up to the boy, tells him begging is
# an offence, writes him up and releases him to the «aunt».
HARMFUL_PATH = [
    ("arrival:1", "watch"),
    ("watch:4", "approach"),
    ("approach:4", "station"),  # police branch
    ("station:1", "end-offender"),
]


def test_story_and_translation_compile_cleanly() -> None:
    for name in (ORIGINAL, RUSSIAN, KYRGYZ):
        story = compile_file(name, clean=True)
        assert story.meta.victim == "child"
        assert set(story.meta.roles) >= {"police", "social-worker"}


def test_good_path_child_protected_with_every_indicator_noticed() -> None:
    story = compile_file("osh-bazaar.md")
    state = play(story, "police", GOOD_PATH, take_notes=True, start=START)
    d = trainer.story.make_debrief(story, state, CATALOGUE)

    assert d.ending == "end-good"
    assert d.outcome == "good"
    cued = cued_on_path(story, state)
    assert cued == set(story.meta.indicators)  # this route shows the whole case
    assert {r.indicator for r in d.by_status("noticed")} == cued
    assert d.by_status("missed") == []
    assert d.referrals_missing == ()
    assert set(d.referrals_made) == {
        "referral.child-protection",
        "referral.shelter",
        "referral.medical",
        "referral.non-punishment",
        "referral.law-enforcement",
    }
    assert [p for p in d.practices if p.kind == "poor"] == []
    assert "practice.child-specialist" in {p.practice for p in d.practices}
    assert d.victim == "child"
    assert d.trafficking_noticed  # child rule: a recruitment dimension plus EX
    assert d.passed is True


def test_role_branches_lead_the_social_worker_to_the_same_good_ending() -> None:
    story = compile_file("osh-bazaar.md")
    police = trainer.story.start(story, "police")
    social = trainer.story.start(story, "social-worker")
    for key, _passage in GOOD_PATH[:3]:
        police = trainer.story.choose(story, police, key)
        social = trainer.story.choose(story, social, key)
    assert police.passage == social.passage == "approach"
    police_keys = {c.key for c in trainer.story.available_choices(story, police)}
    social_keys = {c.key for c in trainer.story.available_choices(story, social)}
    assert police_keys - social_keys == {"approach:4"}  # «begging is an offence»
    assert social_keys - police_keys == {"approach:5"}  # «children's home» threat

    state = play(story, "social-worker", SOCIAL_WORKER_PATH, take_notes=True, start=START)
    d = trainer.story.make_debrief(story, state, CATALOGUE)
    assert d.ending == "end-good"
    assert {r.indicator for r in d.by_status("noticed")} == set(story.meta.indicators)
    assert d.referrals_missing == ()
    assert [p for p in d.practices if p.kind == "poor"] == []
    assert d.passed is True


def test_harmful_path_reports_missed_cues_and_broken_practices() -> None:
    story = compile_file("osh-bazaar.md")
    state = play(story, "police", HARMFUL_PATH, take_notes=False, start=START)
    d = trainer.story.make_debrief(story, state, CATALOGUE)

    assert d.ending == "end-offender"
    assert d.outcome == "harmful"
    assert d.referrals_made == ()
    assert d.by_status("noticed") == []

    missed = {r.indicator: r for r in d.by_status("missed")}
    expected = {
        "child.age-inappropriate-work": "arrival",
        "begging.hands-over-takings": "watch",
        "begging.moved-daily": "watch",
        "child.intimidated": "approach",
        "coercion-destination.coached-story": "station",
    }
    assert set(missed) == set(expected) == cued_on_path(story, state)
    for indicator, passage_id in expected.items():
        where = missed[indicator].where
        assert where is not None
        cue = next(c for c in story.passages[passage_id].cues if indicator in c.indicators)
        assert where.passage == passage_id
        assert where.text == cue.text
    hands = missed["begging.hands-over-takings"].where
    assert hands is not None
    assert hands.text.startswith("A woman in a grey down coat walks the row")

    poor = [p for p in d.practices if p.kind == "poor"]
    assert [(p.passage, p.practice) for p in poor] == [
        ("approach", "practice.non-judgemental"),
        ("station", "practice.non-judgemental"),
        ("station", "practice.safety-first"),
    ]
    assert all(p.feedback for p in poor)
    assert d.passed is False


@pytest.mark.parametrize(("name", "language"), [(RUSSIAN, "ru"), (KYRGYZ, "ky")])
def test_translation_good_path_matches(name: str, language: str) -> None:
    original = compile_file(ORIGINAL)
    translated = compile_file(name)
    assert translated.meta.language == language
    assert translated.id == original.id
    en = play(original, "police", GOOD_PATH, take_notes=True, start=START)
    tr = play(translated, "police", GOOD_PATH, take_notes=True, start=START)
    d_en = trainer.story.make_debrief(original, en, CATALOGUE)
    d_tr = trainer.story.make_debrief(translated, tr, CATALOGUE)

    assert tr.path == en.path
    assert d_tr.ending == d_en.ending == "end-good"
    assert d_tr.outcome == "good"
    noticed_en = {r.indicator for r in d_en.by_status("noticed")}
    noticed_tr = {r.indicator for r in d_tr.by_status("noticed")}
    assert noticed_tr == noticed_en == set(original.meta.indicators)
    assert d_tr.referrals_missing == ()
    assert d_tr.passed is True
