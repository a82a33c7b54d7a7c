"""Playthroughs of the airport-returnee module (scenario S4) on the pure story runtime.

The scripted paths document the story: a good referral played as a border guard (with case
notes taken as the cues appear), a harmful ending played as a police officer without notes,
and the good path again in the Russian and Kyrgyz translations.
"""

from __future__ import annotations

import pytest

import trainer.story
from tests.stories.playthrough import CATALOGUE, Step, compile_file, cued_on_path, play
from trainer.story.model import Story
from trainer.story.state import State

START = "arrival"
ORIGINAL = "airport-returnee.md"
RUSSIAN = "airport-returnee.ru.md"
KYRGYZ = "airport-returnee.ky.md"

# What the learner writes in the case notes on arriving in each passage of the good path.
GOOD_NOTES: dict[str, list[str]] = {
    "arrival": ["presentation.fear-or-injuries"],
    "escort-file": ["coercion-destination.document-retention"],
    "needs": ["presentation.no-own-money"],
    "first-account": ["coercion-destination.coached-story"],
    "q-recruit": [
        "deceptive-recruitment.false-job-promise",
        "deceptive-recruitment.false-wages",
        "vulnerability-recruitment.economic-need",
    ],
    "q-travel": ["deceptive-recruitment.false-travel-terms"],
    "q-work": ["sexual.lives-at-venue", "coercion-destination.forced-tasks-or-clients"],
    "q-pay": ["exploitative-conditions.low-or-no-pay"],
    "q-debt": ["coercion-destination.debt-bondage"],
    "q-freedom": ["coercion-destination.confinement", "isolation.no-contact"],
    "q-passport": ["coercion-destination.denunciation-threat"],
    "q-meeting": ["vulnerability-destination.dependency"],
    "q-phone": ["coercion-destination.shaming-threat", "coercion-destination.threat-to-family"],
}

# (choice key, passage it leads to) from the start to the good ending, as a border guard.
GOOD_PATH: list[Step] = [
    ("arrival:3", "escort-file"),  # read the escort's file (border guards only)
    ("escort-file:1", "office"),  # a private room
    ("office:1", "needs"),  # tea and food first
    ("needs:1", "woman"),  # offer a woman interviewer
    ("woman:1", "intro"),
    ("intro:2", "first-account"),  # honest limits of confidentiality
    ("first-account:1", "talk"),  # accept the rehearsed story for now
    ("talk:1", "q-recruit"),  # open question
    ("q-recruit:1", "q-travel"),
    ("q-travel:1", "talk"),
    ("talk:2", "q-work"),
    ("q-work:1", "break"),  # she sets the pace
    ("break:1", "talk"),
    ("talk:3", "q-pay"),
    ("q-pay:1", "talk"),
    ("talk:4", "q-debt"),
    ("q-debt:1", "talk"),
    ("talk:5", "q-freedom"),
    ("q-freedom:1", "talk"),
    ("talk:6", "q-passport"),
    ("q-passport:1", "talk"),
    ("talk:7", "q-meeting"),
    ("q-meeting:1", "talk"),
    ("talk:8", "q-phone"),  # opened by trust (or by a noted debt)
    ("q-phone:1", "talk"),  # asks before photographing the messages
    ("talk:9", "decide"),  # the fallback, once every question is asked
    ("decide:1", "offer"),
    ("offer:1", "safety"),  # help without conditions, time to decide
    ("safety:1", "village-risk"),  # safety assessment for her village
    ("village-risk:1", "exit-plan"),
    ("exit-plan:1", "staff-exit"),  # border guard: staff exit, police told about Ulan
    ("staff-exit:1", "health"),
    ("health:1", "clinic"),
    ("clinic:1", "protocol-hold"),
    ("protocol-hold:1", "handover"),  # presumed victim, not a document offender
    ("handover:1", "nrm-file"),  # one account, not five
    ("nrm-file:1", "end-referral"),
]

# (choice key, passage it leads to) to the harmful ending where her family is called.
HARMFUL_PATH: list[Step] = [
    ("arrival:1", "office"),
    ("office:4", "labels"),  # a label instead of questions
    ("labels:1", "intro"),
    ("intro:1", "first-account"),  # promises total confidentiality
    ("first-account:3", "threatened"),  # threatens her with the law (not for NGO staff)
    ("threatened:1", "talk"),
    ("talk:7", "q-meeting"),
    ("q-meeting:2", "decide"),
    ("decide:2", "call-family"),  # phones her mother without her consent
    ("call-family:1", "end-family"),
]


# GOOD_PATH with the notes taken on arriving in each passage, from GOOD_NOTES.
GOOD_STEPS: list[Step] = [(key, pid, tuple(GOOD_NOTES.get(pid, ()))) for key, pid in GOOD_PATH]


def play_good(story: Story) -> State:
    """GOOD_PATH as a border guard, taking the notes of GOOD_NOTES."""
    return play(story, "border-guard", GOOD_STEPS, start=START, start_notes=GOOD_NOTES[START])


def test_both_files_compile_cleanly():
    for name in (ORIGINAL, RUSSIAN, KYRGYZ):
        compile_file(name, clean=True)


def test_good_referral_as_border_guard():
    story = compile_file(ORIGINAL)
    state = play_good(story)
    d = trainer.story.make_debrief(story, state, CATALOGUE)

    assert d.ending == "end-referral"
    assert d.outcome == "good"
    cued = cued_on_path(story, state)
    assert len(cued) == 18  # every indicator but fear of the authorities
    noticed = {r.indicator for r in d.by_status("noticed")}
    assert noticed == set(cued)
    assert d.by_status("missed") == []
    assert [r.indicator for r in d.by_status("not-uncovered")] == [
        "vulnerability-destination.fear-of-authorities"
    ]
    assert d.referrals_missing == ()
    assert "referral.non-punishment" in d.referrals_made
    assert all(p.kind == "good" for p in d.practices)
    assert {p.practice for p in d.practices} >= {
        "practice.private-safe-setting",
        "practice.interviewer-gender-choice",
        "practice.help-not-conditional",
        "practice.safety-first",
        "practice.non-judgemental",
    }
    assert d.trafficking_noticed
    assert d.passed is True


def test_harmful_ending_without_notes_reports_misses_and_poor_practice():
    story = compile_file(ORIGINAL)
    state = play(story, "police", HARMFUL_PATH, start=START)
    d = trainer.story.make_debrief(story, state, CATALOGUE)

    assert d.ending == "end-family"
    assert d.outcome == "harmful"
    expected = {
        "presentation.fear-or-injuries": "arrival",
        "coercion-destination.coached-story": "first-account",
        "coercion-destination.denunciation-threat": "threatened",
        "vulnerability-destination.dependency": "q-meeting",
        "coercion-destination.debt-bondage": "q-meeting",
    }
    missed = {r.indicator: r for r in d.by_status("missed")}
    assert set(missed) == set(expected)
    for ind, pid in expected.items():
        cue = next(c for c in story.passages[pid].cues if ind in c.indicators)
        assert missed[ind].where is not None
        assert missed[ind].where.passage == pid
        assert missed[ind].where.text == cue.text
    assert d.by_status("noticed") == []

    poor = [p for p in d.practices if p.kind == "poor"]
    assert {(p.passage, p.practice) for p in poor} == {
        ("office", "practice.non-judgemental"),
        ("office", "practice.ask-facts-not-labels"),
        ("intro", "practice.explain-role-and-limits"),
        ("intro", "practice.no-false-promises"),
        ("first-account", "practice.no-deportation-threats"),
        ("decide", "practice.protect-identity"),
        ("decide", "practice.safety-first"),
    }
    assert all(p.feedback for p in poor)
    assert d.referrals_made == ()
    assert d.passed is False


@pytest.mark.parametrize(("name", "language"), [(RUSSIAN, "ru"), (KYRGYZ, "ky")])
def test_good_path_in_translation_matches_the_original(name: str, language: str):
    original = compile_file(ORIGINAL)
    translated = compile_file(name)
    assert translated.meta.language == language
    assert translated.id == original.id

    en_state = play_good(original)
    tr_state = play_good(translated)
    en = trainer.story.make_debrief(original, en_state, CATALOGUE)
    tr = trainer.story.make_debrief(translated, tr_state, CATALOGUE)

    assert tr_state.path == en_state.path
    assert tr.ending == en.ending == "end-referral"
    assert tr.outcome == "good"
    tr_noticed = {r.indicator for r in tr.by_status("noticed")}
    assert tr_noticed == {r.indicator for r in en.by_status("noticed")}
    assert tr.by_status("missed") == []
    assert tr.referrals_missing == ()
    assert tr.passed is True
