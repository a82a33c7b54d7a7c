"""The `sauna` module: a sixteen-year-old presented as a nineteen-year-old «cleaner».

Plays the story with the pure runtime (no browser, no database): a scripted good
interview that presumes a child, brings in child protection and a vetted unit and ends in
a full referral; a harmful one where the girl is questioned in front of the administrator,
threatened and booked; and the good path again in the Russian and the Kyrgyz translations.
"""

from __future__ import annotations

import pytest

from tests.stories.playthrough import CATALOGUE, Step, compile_file, cued_on_path, play
from trainer.story import available_choices, choose, make_debrief, start

START = "arrival"
ORIGINAL = "sauna.md"
RUSSIAN = "sauna.ru.md"
KYRGYZ = "sauna.ky.md"
TRANSLATIONS = ((RUSSIAN, "ru"), (KYRGYZ, "ky"))

FALSE_JOB = "deceptive-recruitment.false-job-promise"
MARRIAGE = "deceptive-recruitment.marriage-promise"
ECONOMIC_NEED = "vulnerability-recruitment.economic-need"
EMOTIONAL = "vulnerability-recruitment.emotional-dependency"
CHILD_SEX = "child.in-commercial-sex"
LIVES_AT_VENUE = "sexual.lives-at-venue"
HOURS = "exploitative-conditions.excessive-hours"
NO_MONEY = "presentation.no-own-money"
DOCUMENTS = "coercion-destination.document-retention"
DEBT = "coercion-destination.debt-bondage"
NO_CONTACT = "isolation.no-contact"
NO_PARENT = "child.no-parent-access"
FORCED_CLIENTS = "coercion-destination.forced-tasks-or-clients"
SHAMING = "coercion-destination.shaming-threat"
COACHED = "coercion-destination.coached-story"
FEAR_OF_POLICE = "vulnerability-destination.fear-of-authorities"
THIRD_PARTY = "presentation.third-party-speaks"
INTIMIDATED = "child.intimidated"

ALL_INDICATORS = {
    FALSE_JOB,
    MARRIAGE,
    ECONOMIC_NEED,
    EMOTIONAL,
    CHILD_SEX,
    LIVES_AT_VENUE,
    HOURS,
    NO_MONEY,
    DOCUMENTS,
    DEBT,
    NO_CONTACT,
    NO_PARENT,
    FORCED_CLIENTS,
    SHAMING,
    COACHED,
    FEAR_OF_POLICE,
    THIRD_PARTY,
    INTIMIDATED,
}

IDEAL = (
    "referral.child-protection",
    "referral.medical",
    "referral.shelter",
    "referral.psychosocial",
    "referral.non-punishment",
    "referral.law-enforcement",
    "referral.nrm",
)

# The good interview, played as a police officer: (choice key, passage it leads to,
# indicators the learner writes into the case notes on arriving there: exactly those cued).
GOOD_PATH: list[Step] = [
    ("arrival:1", "marat", ()),  # ask the district officer first
    ("marat:2", "reception", (INTIMIDATED, THIRD_PARTY, CHILD_SEX)),  # you lead, tip unmentioned
    ("reception:2", "staff-list", (DOCUMENTS,)),  # police only: the ID card in the safe
    ("staff-list:2", "tour", (LIVES_AT_VENUE,)),  # the camp bed in the linen store
    ("tour:1", "separate", ()),  # routine talk with each worker alone
    ("separate:1", "needs", ()),  # tea first (trust 1)
    ("needs:1", "intro", ()),
    ("intro:2", "first-words", (COACHED,)),  # honest limits of confidentiality (trust 2)
    ("first-words:1", "call-specialist", ()),  # presume a child
    ("call-specialist:1", "the-office", (DEBT,)),  # tell the local officer nothing
    ("the-office:1", "hub", ()),  # she chooses who is in the room (trust 3)
    ("hub:1", "q-how-came", (FALSE_JOB, ECONOMIC_NEED)),
    ("q-how-came:1", "q-erlan", (MARRIAGE, EMOTIONAL)),
    ("q-erlan:1", "hub", ()),
    ("hub:2", "q-day", (HOURS, CHILD_SEX, FORCED_CLIENTS)),
    ("q-day:1", "hub", ()),  # no detail needed: offer a break
    ("hub:3", "q-money", (NO_MONEY, DEBT)),
    ("q-money:1", "hub", ()),
    ("hub:4", "q-documents", (DOCUMENTS,)),  # open once trust >= 2
    ("q-documents:1", "hub", ()),
    ("hub:5", "q-family", (NO_CONTACT, NO_PARENT)),
    ("q-family:1", "hub", ()),
    ("hub:6", "q-leave", (SHAMING, FEAR_OF_POLICE)),  # open once trust >= 2
    ("q-leave:1", "hub", ()),  # not her fault, no charges
    ("hub:7", "q-age", (COACHED,)),
    ("q-age:1", "hub", ()),
    ("hub:8", "decide", ()),  # the fallback, once every question is asked
    ("decide:1", "offer-help", ()),
    ("offer-help:2", "her-choice", ()),  # honest about what can happen tonight
    ("her-choice:1", "investigation", ()),  # her own agreement to go
    ("investigation:2", "vetted", ()),  # police: straight to the anti-trafficking unit
    ("vetted:1", "evidence", ()),  # open because the ID card and the debt are in the notes
    ("evidence:1", "medical", ()),
    ("medical:1", "clinic", ()),  # a woman doctor, with her consent
    ("clinic:1", "crisis-centre", ()),
    ("crisis-centre:1", "file", ()),  # one recorded interview
    ("file:1", "end-referral", ()),
]

# The harmful interview, played as a police officer, with no case notes at all.
HARMFUL_PATH: list[Step] = [
    ("arrival:2", "reception"),
    ("reception:1", "in-front"),  # asks her age in front of the administrator
    ("in-front:2", "separate"),
    ("separate:3", "blunt"),  # a blunt label as the first question
    ("blunt:1", "intro"),
    ("intro:1", "first-words"),  # promises total confidentiality
    ("first-words:2", "challenge"),  # calls her a liar
    ("challenge:2", "threatened"),  # police only: threatens her with the law
    ("threatened:1", "end-booked"),  # books a child for prostitution
]

# Where each indicator is first in front of the learner on the harmful path.
HARMFUL_MISSED = {
    INTIMIDATED: "reception",
    THIRD_PARTY: "reception",
    CHILD_SEX: "reception",
    COACHED: "in-front",
    DEBT: "threatened",
}

HARMFUL_POOR = {
    ("practice.separate-from-companion", "reception:1"),
    ("practice.ask-facts-not-labels", "separate:3"),
    ("practice.pace-and-breaks", "separate:3"),
    ("practice.explain-role-and-limits", "intro:1"),
    ("practice.expect-inconsistency", "first-words:2"),
    ("practice.no-deportation-threats", "challenge:2"),
    ("practice.non-judgemental", "threatened:1"),
}


def test_story_and_translations_compile_cleanly() -> None:
    story = compile_file(ORIGINAL, clean=True)
    assert story.meta.victim == "child"
    assert set(story.meta.roles) == {"police", "social-worker"}
    assert set(story.meta.indicators) == ALL_INDICATORS
    assert set(story.meta.ideal_referrals) == set(IDEAL)
    assert len(story.passages) >= 30
    endings = {p.id: p.outcome for p in story.passages.values() if p.is_ending}
    assert {"good", "partial", "missed", "harmful"} <= set(endings.values())
    for name, language in TRANSLATIONS:
        translated = compile_file(name, clean=True)
        assert list(translated.passages) == list(story.passages), language
        assert translated.meta.language == language


def test_role_branches_at_reception() -> None:
    story = compile_file(ORIGINAL, clean=True)
    police = choose(story, start(story, "police"), "arrival:2")
    social = choose(story, start(story, "social-worker"), "arrival:2")
    police_targets = {c.target for c in available_choices(story, police)}
    social_targets = {c.target for c in available_choices(story, social)}
    assert "staff-list" in police_targets and "minors-question" not in police_targets
    assert "minors-question" in social_targets and "staff-list" not in social_targets


def test_good_path_identifies_a_child_and_refers_her() -> None:
    story = compile_file(ORIGINAL, clean=True)
    state = play(story, "police", GOOD_PATH, start=START, exact_notes=True)
    seen = cued_on_path(story, state)

    assert seen == ALL_INDICATORS  # every indicator of the case is cued on this path
    d = make_debrief(story, state, CATALOGUE)
    assert d.ending == "end-referral"
    assert d.outcome == "good"
    assert {r.indicator for r in d.by_status("noticed")} == seen
    assert d.by_status("missed") == []
    assert d.by_status("false-flag") == []
    assert d.referrals_missing == ()
    assert set(d.referrals_made) == set(IDEAL)
    assert [p for p in d.practices if p.kind == "poor"] == []
    assert {p.practice for p in d.practices} >= {
        "practice.plan-and-evaluate",
        "practice.separate-from-companion",
        "practice.child-specialist",
        "practice.interviewer-gender-choice",
        "practice.safety-first",
    }
    assert d.victim == "child"
    assert d.trafficking_noticed
    assert d.passed
    assert d.score == 100


def test_harmful_path_reports_missed_signs_and_broken_practices() -> None:
    story = compile_file(ORIGINAL, clean=True)
    state = play(story, "police", HARMFUL_PATH, start=START)

    d = make_debrief(story, state, CATALOGUE)
    assert d.ending == "end-booked"
    assert d.outcome == "harmful"
    assert d.referrals_made == ()

    missed = {r.indicator: r for r in d.by_status("missed")}
    assert set(missed) == set(HARMFUL_MISSED)
    for indicator, passage_id in HARMFUL_MISSED.items():
        where = missed[indicator].where
        assert where is not None
        assert where.passage == passage_id
        cue = next(c for c in story.passages[passage_id].cues if indicator in c.indicators)
        assert where.text == cue.text
    assert d.by_status("noticed") == []

    poor = [p for p in d.practices if p.kind == "poor"]
    assert {(p.practice, p.choice) for p in poor} == HARMFUL_POOR
    assert all(p.feedback for p in poor)
    assert d.referrals_missing == IDEAL
    assert not d.passed


@pytest.mark.parametrize(("name", "language"), TRANSLATIONS, ids=[lang for _, lang in TRANSLATIONS])
def test_translation_good_path_reaches_the_same_ending(name: str, language: str) -> None:
    story = compile_file(ORIGINAL, clean=True)
    translated = compile_file(name, clean=True)
    assert translated.meta.language == language
    state_en = play(story, "police", GOOD_PATH, start=START, exact_notes=True)
    state_tr = play(translated, "police", GOOD_PATH, start=START, exact_notes=True)
    seen_tr = cued_on_path(translated, state_tr)

    assert state_tr.path == state_en.path
    d_en = make_debrief(story, state_en, CATALOGUE)
    d_tr = make_debrief(translated, state_tr, CATALOGUE)
    assert d_tr.ending == "end-referral"
    assert d_tr.outcome == "good"
    noticed_tr = {r.indicator for r in d_tr.by_status("noticed")}
    assert noticed_tr == {r.indicator for r in d_en.by_status("noticed")} == seen_tr
    assert d_tr.by_status("missed") == []
    assert d_tr.referrals_missing == ()
    assert d_tr.passed
    assert translated.passages["end-referral"].title != story.passages["end-referral"].title
