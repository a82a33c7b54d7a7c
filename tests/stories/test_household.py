"""The `household` module: a kelin kept as unpaid domestic labour after a bride kidnapping.

Plays the story with the pure runtime (no browser, no database): a scripted good
interview that ends in a full referral, a harmful one where Begimai is questioned in front
of her mother-in-law, and the good path again in the Russian and the Kyrgyz translations.
"""

from __future__ import annotations

import pytest

from tests.stories.playthrough import CATALOGUE, Step, compile_file, cued_on_path, play
from trainer.story import make_debrief

START = "briefing"
ORIGINAL = "household.md"
RUSSIAN = "household.ru.md"
KYRGYZ = "household.ky.md"
TRANSLATIONS = ((RUSSIAN, "ru"), (KYRGYZ, "ky"))

ABDUCTION = "coercive-recruitment.abduction-or-sale"
BRIDE_KIDNAPPING = "context-kg.bride-kidnapping"
THREATS_AT_RECRUITMENT = "coercive-recruitment.threats"
NEVER_ALONE = "domestic.never-leaves-alone"
NO_PRIVATE_SPACE = "domestic.no-private-space"
DOCUMENTS = "coercion-destination.document-retention"
NO_CONTACT = "isolation.no-contact"
SHAMING = "coercion-destination.shaming-threat"
COACHED = "coercion-destination.coached-story"
VIOLENCE = "coercion-destination.violence"
HOURS = "exploitative-conditions.excessive-hours"
NO_PAY = "exploitative-conditions.low-or-no-pay"
NO_MONEY = "presentation.no-own-money"
DEPENDENCY = "vulnerability-destination.dependency"
THIRD_PARTY = "presentation.third-party-speaks"
INJURIES = "presentation.fear-or-injuries"

IDEAL = (
    "referral.nrm",
    "referral.shelter",
    "referral.psychosocial",
    "referral.legal-aid",
    "referral.medical",
)

# The good interview, played as a social worker: (choice key, passage it leads to,
# indicators the learner writes into the case notes on arriving there).
GOOD_PATH: list[Step] = [
    ("briefing:1", "cholpon", (INJURIES,)),  # plan the visit with the nurse
    ("cholpon:1", "planned", (THIRD_PARTY,)),  # agree the blood-pressure pretext
    ("planned:1", "kitchen", (NO_PRIVATE_SPACE,)),
    ("kitchen:1", "needs", ()),  # tea first (trust 1)
    ("needs:1", "intro", ()),  # name, job, may stop (trust 2)
    ("intro:2", "hub", ()),  # honest limits of confidentiality (trust 3)
    ("hub:1", "q-how", (ABDUCTION, BRIDE_KIDNAPPING, THREATS_AT_RECRUITMENT)),
    ("q-how:1", "hub", ()),  # not her fault (trust 4)
    ("hub:2", "q-day", (HOURS,)),
    ("q-day:1", "hub", ()),
    ("hub:3", "q-out", (NEVER_ALONE,)),
    ("q-out:1", "hub", ()),
    ("hub:5", "q-passport", (DOCUMENTS,)),  # who keeps it: open once trust >= 2
    ("q-passport:1", "hub", ()),
    ("hub:6", "q-family", (NO_CONTACT,)),
    ("q-family:1", "hub", ()),
    ("hub:7", "q-money", (NO_PAY, NO_MONEY)),
    ("q-money:1", "hub", ()),
    ("hub:8", "q-leave", (VIOLENCE, SHAMING)),
    ("q-leave:1", "hub", ()),
    ("hub:9", "decide", ()),  # the fallback, once every question is asked
    ("decide:1", "offer-help", ()),
    ("offer-help:2", "begimai-decides", ()),  # honest about what can happen today
    ("begimai-decides:1", "fears", (DEPENDENCY,)),
    ("fears:1", "plan", ()),
    ("plan:1", "passport-back", ()),  # open because q-passport was visited
    ("passport-back:2", "call-centre", ()),
    ("call-centre:1", "clinic", ()),
    ("clinic:1", "centre", ()),
    ("centre:1", "file", ()),
    ("file:1", "end-referral", ()),
]


def test_all_files_compile_cleanly() -> None:
    for name in (ORIGINAL, RUSSIAN, KYRGYZ):
        compile_file(name, clean=True)


def test_good_path_identifies_and_refers() -> None:
    story = compile_file(ORIGINAL)
    state = play(story, "social-worker", GOOD_PATH, start=START)
    assert state.finished and state.passage == "end-referral"
    assert state.variables["passport"] is True and state.variables["medical"] is True

    d = make_debrief(story, state, CATALOGUE)
    assert d.outcome == "good"
    cued = cued_on_path(story, state)
    assert len(cued) == 15
    assert {r.indicator for r in d.by_status("noticed")} == cued
    assert d.by_status("missed") == []
    assert d.by_status("false-flag") == []
    # The coached answer only appears when she is questioned in front of the family.
    assert [r.indicator for r in d.by_status("not-uncovered")] == [COACHED]
    assert d.referrals_made == IDEAL
    assert d.referrals_missing == ()
    assert all(p.kind == "good" for p in d.practices)
    assert {p.practice for p in d.practices} >= {
        "practice.separate-from-companion",
        "practice.immediate-needs",
        "practice.informed-consent",
        "practice.explain-role-and-limits",
        "practice.open-questions",
        "practice.non-judgemental",
        "practice.referral-ready",
        "practice.no-false-promises",
        "practice.safety-first",
        "practice.minimise-repeat-interviews",
    }
    assert all(p.feedback for p in d.practices)
    # Recruitment (CR), exploitation (EX) and coercion at destination (CD) are all present.
    present = {x.dimension for x in d.dimensions if x.noticed}
    assert {"CR", "EX", "CD"} <= present
    assert d.trafficking_noticed
    assert d.passed


def test_harmful_path_reports_missed_indicators_and_broken_practices() -> None:
    story = compile_file(ORIGINAL)
    state = play(
        story,
        "prosecutor",
        [
            ("briefing:2", "gate", ()),  # no planning with the nurse
            ("gate:4", "in-front", ()),  # announce the report and ask her in the yard
            ("in-front:1", "end-punished", ()),  # and leave her there
        ],
        start=START,
    )
    assert state.finished

    d = make_debrief(story, state, CATALOGUE)
    assert d.outcome == "harmful"
    missed = {r.indicator: r for r in d.by_status("missed")}
    assert set(missed) == {INJURIES, THIRD_PARTY, COACHED} == cued_on_path(story, state)
    where: dict[str, tuple[str, str]] = {}
    for indicator, result in missed.items():
        assert result.where is not None
        passage = story.passages[result.where.passage]
        cue = next(c for c in passage.cues if indicator in c.indicators)
        assert result.where.text == cue.text
        where[indicator] = (result.where.passage, result.where.text)
    assert where[INJURIES] == (
        "gate",
        "Her left hand is wrapped in a grey cloth, and she keeps it out of sight.",
    )
    assert where[THIRD_PARTY][0] == "gate"
    assert where[COACHED] == (
        "in-front",
        "Nobody forced me. I stayed of my own will. I am happy.",
    )
    assert d.by_status("noticed") == []

    broken = [p for p in d.practices if p.kind == "poor"]
    assert {p.practice for p in broken} == {
        "practice.separate-from-companion",
        "practice.protect-identity",
    }
    assert all(p.choice == "gate:4" and p.feedback for p in broken)
    assert d.referrals_made == ()
    assert d.passed is False


@pytest.mark.parametrize(("name", "language"), TRANSLATIONS, ids=[lang for _, lang in TRANSLATIONS])
def test_translation_plays_the_same_good_path(name: str, language: str) -> None:
    original = compile_file(ORIGINAL)
    translated = compile_file(name)
    assert translated.id == original.id == "household"
    assert translated.meta.language == language

    en = play(original, "social-worker", GOOD_PATH, start=START)
    tr = play(translated, "social-worker", GOOD_PATH, start=START)
    assert tr.path == en.path
    assert tr.passage == "end-referral"

    d_en = make_debrief(original, en, CATALOGUE)
    d_tr = make_debrief(translated, tr, CATALOGUE)
    assert d_tr.outcome == "good"
    assert {r.indicator for r in d_tr.by_status("noticed")} == {
        r.indicator for r in d_en.by_status("noticed")
    }
    assert d_tr.by_status("missed") == []
    assert d_tr.referrals_missing == ()
    assert d_tr.passed
