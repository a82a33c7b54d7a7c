"""Playthroughs of the airport-returnee module (scenario S4) on the pure story runtime.

The scripted paths document the story: a good referral played as a border guard (with case
notes taken as the cues appear), a harmful ending played as a police officer without notes,
and the good path again in the Russian translation.
"""

from __future__ import annotations

from pathlib import Path

import trainer.story
from trainer.story.loader import load_catalogue
from trainer.story.runtime import note

STORIES = Path(__file__).resolve().parents[2] / "stories"
ORIGINAL = STORIES / "airport-returnee.md"
RUSSIAN = STORIES / "airport-returnee.ru.md"

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
GOOD_PATH: list[tuple[str, str]] = [
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
HARMFUL_PATH: list[tuple[str, str]] = [
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


def catalogue():
    return load_catalogue(STORIES / "catalogue")


def compiled(path: Path, cat):
    result = trainer.story.compile_story(path.read_bytes(), cat, str(path))
    assert result.ok, [str(d) for d in result.diagnostics]
    return result.story


def play(story, role, path, cat, notes=None):
    """Take the scripted choices, checking each is on offer and lands where expected."""
    state = trainer.story.start(story, role)
    assert state.passage == "arrival"
    for ind in (notes or {}).get(state.passage, []):
        state = note(state, ind, cat)
    for key, expected in path:
        offered = [c.key for c in trainer.story.available_choices(story, state)]
        assert key in offered, f"{key} not offered in {state.passage}: {offered}"
        state = trainer.story.choose(story, state, key)
        assert state.passage == expected
        for ind in (notes or {}).get(state.passage, []):
            state = note(state, ind, cat)
    assert state.finished
    return state


def cued_on_path(story, state) -> dict[str, tuple[str, str]]:
    """Indicator → (passage, cue text) of its first cue on the path."""
    found: dict[str, tuple[str, str]] = {}
    for pid in state.path:
        for cue in story.passages[pid].cues:
            for ind in cue.indicators:
                found.setdefault(ind, (pid, cue.text))
    return found


def test_both_files_compile_cleanly():
    cat = catalogue()
    for path in (ORIGINAL, RUSSIAN):
        result = trainer.story.compile_story(path.read_bytes(), cat, str(path))
        assert result.ok
        assert result.count("warning") == 0, [str(d) for d in result.diagnostics]


def test_good_referral_as_border_guard():
    cat = catalogue()
    story = compiled(ORIGINAL, cat)
    state = play(story, "border-guard", GOOD_PATH, cat, GOOD_NOTES)
    d = trainer.story.make_debrief(story, state, cat)

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
    cat = catalogue()
    story = compiled(ORIGINAL, cat)
    state = play(story, "police", HARMFUL_PATH, cat)
    d = trainer.story.make_debrief(story, state, cat)

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


def test_good_path_in_russian_matches_the_original():
    cat = catalogue()
    original = compiled(ORIGINAL, cat)
    russian = compiled(RUSSIAN, cat)
    assert russian.meta.language == "ru"
    assert russian.id == original.id

    en_state = play(original, "border-guard", GOOD_PATH, cat, GOOD_NOTES)
    ru_state = play(russian, "border-guard", GOOD_PATH, cat, GOOD_NOTES)
    en = trainer.story.make_debrief(original, en_state, cat)
    ru = trainer.story.make_debrief(russian, ru_state, cat)

    assert ru_state.path == en_state.path
    assert ru.ending == en.ending == "end-referral"
    assert ru.outcome == "good"
    ru_noticed = {r.indicator for r in ru.by_status("noticed")}
    assert ru_noticed == {r.indicator for r in en.by_status("noticed")}
    assert ru.by_status("missed") == []
    assert ru.referrals_missing == ()
    assert ru.passed is True
