"""The debrief: indicator statuses, practices, referrals, the ILO-EC rule and the score.

Strengths come from the shipped catalogue: document-retention, excessive-hours,
debt-bondage and confinement are strong (weight 3); false-wages is medium (weight 2).
"""

from __future__ import annotations

import typing as t

import pytest

from trainer.story.catalogue import Catalogue
from trainer.story.compiler import compile_story
from trainer.story.debrief import (
    FALSE_FLAG,
    MISSED,
    NOT_UNCOVERED,
    NOTICED,
    Debrief,
    PracticeResult,
    Question,
    Where,
    dimension_present,
    make_debrief,
    trafficking_supported,
)
from trainer.story.model import Story
from trainer.story.runtime import choose, note, start
from trainer.story.state import State

MakeStory = t.Callable[..., str]

DR = "coercion-destination.document-retention"
EH = "exploitative-conditions.excessive-hours"
FW = "deceptive-recruitment.false-wages"
DB = "coercion-destination.debt-bondage"
CONFINEMENT = "coercion-destination.confinement"

BODY = """\
## Arrival {#arrival}

**Ruslan:** [I keep their passports in my safe.]{indicator=document-retention}

- [Ask to talk with Aibek alone](#alone){practice=good:separate-from-companion}
- [Ask in front of Ruslan](#front){practice=poor:separate-from-companion feedback="Not free."}

## In front of Ruslan {#front}

Aibek says everything is fine.

- [Threaten to report him to migration](#end-harmful){practice=poor:no-deportation-threats}
- [Leave](#end-missed)

## Alone {#alone}

**Aibek:** [We work from six until midnight.]{indicator=excessive-hours}

- [Ask what he was promised](#pay){once probes=false-wages}
- [Ask whether he owes money](#debt){once}
- [Refer him](#end-good)

## Pay {#pay}

**Aibek:** Not much. [They promised three hundred dollars.]{indicator=false-wages}

- [Back](#alone)

## Debt {#debt}

**Aibek:** [I owe for the ticket and the room.]{indicator=debt-bondage}

- [Back](#alone)

## Referred {#end-good .ending outcome=good referrals="nrm medical"}

## Nothing found {#end-missed .ending outcome=missed referrals=""}

## Made worse {#end-harmful .ending outcome=harmful referrals="law-enforcement"}
"""

FRONT: dict[str, t.Any] = {
    "characters": ["Ruslan", "Aibek"],
    "indicators": ["document-retention", "excessive-hours", "false-wages", "debt-bondage"],
    "ideal_referrals": ["nrm", "medical", "legal-aid"],
}


def compiled(
    make_story: MakeStory, catalogue: Catalogue, body: str = BODY, **front: t.Any
) -> Story:
    result = compile_story(make_story(body, **{**FRONT, **front}), catalogue)
    assert result.diagnostics == [], [d.format() for d in result.diagnostics]
    assert result.story is not None
    return result.story


def play(story: Story, catalogue: Catalogue, *steps: str) -> State:
    """Steps are choice keys, or ``note:ID`` to add an indicator to the case notes."""
    state = start(story, story.meta.roles[0])
    for step in steps:
        if step.startswith("note:"):
            state = note(state, step[5:], catalogue)
        else:
            state = choose(story, state, step)
    return state


@pytest.fixture
def story(make_story: MakeStory, catalogue: Catalogue) -> Story:
    return compiled(make_story, catalogue)


@pytest.fixture
def debrief(story: Story, catalogue: Catalogue) -> Debrief:
    """Notes the passports and a false flag, asks about pay, never about the debt."""
    state = play(
        story,
        catalogue,
        f"note:{DR}",
        "arrival:1",
        "alone:1",
        "pay:1",
        f"note:{CONFINEMENT}",
        "alone:3",
    )
    return make_debrief(story, state, catalogue)


def result(debrief: Debrief, indicator: str) -> t.Any:
    return next(r for r in debrief.indicators if r.indicator == indicator)


def test_noticed_by_a_note(debrief: Debrief):
    r = result(debrief, DR)
    assert (r.status, r.how) == (NOTICED, "noted")
    assert r.where == Where("arrival", "Arrival", 1, "I keep their passports in my safe.", 0)


def test_noticed_by_a_probing_question(debrief: Debrief):
    r = result(debrief, FW)
    assert (r.status, r.how) == (NOTICED, "probed")
    assert r.where == Where("pay", "Pay", 1, "They promised three hundred dollars.", 2)


def test_missed_links_to_the_passage_and_the_cue(debrief: Debrief):
    r = result(debrief, EH)
    assert (r.status, r.how) == (MISSED, "")
    assert r.where == Where("alone", "Alone", 1, "We work from six until midnight.", 1)
    assert debrief.missed_strong == (EH,)


def test_not_uncovered_shows_the_question_that_would_have_surfaced_it(debrief: Debrief):
    r = result(debrief, DB)
    assert r.status == NOT_UNCOVERED and r.where is None
    assert r.question == Question("alone", "alone:2", "Ask whether he owes money", True)


def test_a_note_outside_the_case_is_a_false_flag(debrief: Debrief):
    r = result(debrief, CONFINEMENT)
    assert (r.status, r.how, r.in_case) == (FALSE_FLAG, "noted", False)
    assert [x.indicator for x in debrief.by_status(FALSE_FLAG)] == [CONFINEMENT]


def test_noting_a_case_indicator_never_shown_is_not_uncovered_not_a_false_flag(
    story: Story, catalogue: Catalogue
):
    # The brief: a false flag is an indicator "not present in this case". One that is
    # in the case but was never shown stays "not uncovered", marked as suspected.
    state = play(story, catalogue, "arrival:1", f"note:{DB}", "alone:3")
    debrief = make_debrief(story, state, catalogue)
    r = result(debrief, DB)
    assert (r.status, r.how, r.in_case) == (NOT_UNCOVERED, "noted", True)
    assert DB not in [x.indicator for x in debrief.by_status(FALSE_FLAG)]


def test_a_question_off_the_path_is_offered_too(story: Story, catalogue: Catalogue):
    state = play(story, catalogue, "arrival:2", "front:2")
    r = result(make_debrief(story, state, catalogue), FW)
    assert r.status == NOT_UNCOVERED
    assert r.question == Question("alone", "alone:1", "Ask what he was promised", False)


def test_practices_followed_and_broken_with_feedback(story: Story, catalogue: Catalogue):
    state = play(story, catalogue, "arrival:2", "front:1")
    d = make_debrief(story, state, catalogue)
    assert d.practices == [
        PracticeResult(
            "practice.separate-from-companion",
            "poor",
            1,
            "arrival",
            "arrival:2",
            "Ask in front of Ruslan",
            "Not free.",
        ),
        PracticeResult(
            "practice.no-deportation-threats",
            "poor",
            2,
            "front",
            "front:1",
            "Threaten to report him to migration",
            "",
        ),
    ]


def test_referrals_made_against_the_ideal(debrief: Debrief):
    assert debrief.referrals_made == ("referral.nrm", "referral.medical")
    assert debrief.referrals_ideal == ("referral.nrm", "referral.medical", "referral.legal-aid")
    assert debrief.referrals_correct == ("referral.nrm", "referral.medical")
    assert debrief.referrals_missing == ("referral.legal-aid",)
    assert debrief.referrals_extra == ()


def test_the_score_formula(debrief: Debrief):
    # indicators: (noticed 3+2 - half the false flag 3) / (noticed 5 + missed 3 + half of 3)
    assert debrief.parts["indicators"] == round(50 * (5 - 1.5) / (5 + 3 + 1.5)) == 18
    assert debrief.parts["practices"] == 20  # one good, none poor
    assert debrief.parts["referrals"] == round(30 * 2 / 3) == 20  # Jaccard {nrm, medical} / 3
    assert debrief.score == 58
    assert debrief.finished and debrief.ending == "end-good" and debrief.outcome == "good"


@pytest.mark.parametrize(("pass_mark", "passed"), [(58, True), (59, False)])
def test_pass_or_fail_against_the_pass_mark(
    make_story: MakeStory, catalogue: Catalogue, pass_mark: int, passed: bool
):
    story = compiled(make_story, catalogue, pass_mark=pass_mark)
    state = play(story, catalogue, f"note:{DR}", "arrival:1", "alone:1", "pay:1")
    state = choose(story, note(state, CONFINEMENT, catalogue), "alone:3")
    d = make_debrief(story, state, catalogue)
    assert (d.score, d.pass_mark, d.passed) == (58, pass_mark, passed)


def test_full_marks(story: Story, catalogue: Catalogue, make_story: MakeStory):
    exact = compiled(make_story, catalogue, ideal_referrals=["nrm", "medical"])
    steps = [f"note:{DR}", "arrival:1", f"note:{EH}", "alone:1", "pay:1", "alone:2", "debt:1"]
    state = play(exact, catalogue, *steps, f"note:{DB}", "alone:3")
    d = make_debrief(exact, state, catalogue)
    assert [r.status for r in d.indicators] == [NOTICED] * 4
    assert result(d, DB).how == "noted" and result(d, FW).how == "probed"
    assert d.parts == {"indicators": 50, "practices": 20, "referrals": 30}
    assert d.score == 100 and d.passed


def test_a_harmful_ending_fails_whatever_the_score(make_story: MakeStory, catalogue: Catalogue):
    story = compiled(make_story, catalogue, pass_mark=0)
    state = play(story, catalogue, "arrival:2", "front:1")
    d = make_debrief(story, state, catalogue)
    assert d.outcome == "harmful" and d.finished
    assert d.parts == {"indicators": 0, "practices": 0, "referrals": 0}
    assert d.score >= d.pass_mark and not d.passed


def test_an_unfinished_attempt_does_not_pass(make_story: MakeStory, catalogue: Catalogue):
    story = compiled(make_story, catalogue, pass_mark=0)
    state = play(story, catalogue, f"note:{DR}", "arrival:1")
    d = make_debrief(story, state, catalogue)
    assert not d.finished and not d.passed
    assert d.ending == "alone" and d.referrals_made == () and d.parts["referrals"] == 0


def test_referrals_score_as_jaccard_similarity(make_story: MakeStory, catalogue: Catalogue):
    body = BODY.replace('referrals="nrm medical"', 'referrals="nrm shelter"')
    story = compiled(make_story, catalogue, body)
    d = make_debrief(story, play(story, catalogue, "arrival:1", "alone:3"), catalogue)
    assert d.referrals_extra == ("referral.shelter",)
    assert d.parts["referrals"] == round(30 * 1 / 4)  # {nrm} / {nrm, shelter, medical, legal}


def test_a_case_with_nothing_to_notice(make_story: MakeStory, catalogue: Catalogue):
    body = '## Start {#start}\n\n- [End](#end)\n\n## End {#end .ending outcome=good referrals=""}'
    story = compiled(make_story, catalogue, body, indicators=[], ideal_referrals=[], characters=[])
    clean = make_debrief(story, play(story, catalogue, "start:1"), catalogue)
    assert clean.parts == {"indicators": 50, "practices": 20, "referrals": 30}
    flagged = make_debrief(story, play(story, catalogue, f"note:{DR}", "start:1"), catalogue)
    assert flagged.parts["indicators"] == 0


@pytest.mark.parametrize(
    ("ids", "present"),
    [
        ([DR, DB], True),  # 2 strong
        ([DR, "coercion-destination.shaming-threat"], True),  # 1 strong + 1 weak
        ([DR, "coercion-destination.threats"], True),  # 1 strong + 1 medium
        (
            [
                "coercion-destination.threats",
                "coercion-destination.threat-to-family",
                "coercion-destination.wages-withheld",
            ],
            True,
        ),  # 3 medium
        (
            [
                "coercion-destination.threats",
                "coercion-destination.wages-withheld",
                "coercion-destination.shaming-threat",
            ],
            True,
        ),  # 2 medium + 1 weak
        ([DR], False),  # 1 strong alone
        (["coercion-destination.threats", "coercion-destination.wages-withheld"], False),
        (["coercion-destination.threats", "coercion-destination.shaming-threat"], False),
        ([], False),
        (["made-up", "also-made-up", "third"], False),
    ],
)
def test_the_ilo_ec_rule_for_one_dimension(ids: list[str], present: bool, catalogue: Catalogue):
    assert dimension_present(ids, catalogue) is present


@pytest.mark.parametrize(
    ("present", "adult", "child"),
    [
        ({"DR", "EX", "CD"}, True, True),
        ({"CR", "EX", "AVD"}, True, True),
        ({"RAV", "EX"}, False, True),  # children: the means do not matter
        ({"DR", "CD"}, False, False),  # no exploitation
        ({"EX", "CD"}, False, False),  # no recruitment
        (set(), False, False),
    ],
)
def test_the_ilo_ec_rule_for_adults_and_children(present: set[str], adult: bool, child: bool):
    assert trafficking_supported(present, "adult") is adult
    assert trafficking_supported(present, "child") is child


CHILD_BODY = """\
## Start {#start}

[He was promised a job in a shop]{indicator=false-job-promise} and
[a wage of two hundred dollars.]{indicator=false-wages}
[He works fourteen hours a day]{indicator=excessive-hours} and
[is paid nothing.]{indicator=low-or-no-pay}
[His passport is with the boss.]{indicator=document-retention}

- [Refer him](#end)

## End {#end .ending outcome=good referrals="child-protection"}
"""


@pytest.mark.parametrize(("victim", "supported"), [("adult", False), ("child", True)])
def test_the_debrief_applies_the_rule_for_the_victim(
    make_story: MakeStory, catalogue: Catalogue, victim: str, supported: bool
):
    ids = ["false-job-promise", "false-wages", "excessive-hours", "low-or-no-pay"]
    story = compiled(
        make_story,
        catalogue,
        CHILD_BODY,
        victim=victim,
        characters=[],
        indicators=[*ids, "document-retention"],
        ideal_referrals=["child-protection"],
    )
    state = play(
        story, catalogue, *[f"note:{story.meta.indicators[i]}" for i in range(4)], "start:1"
    )
    d = make_debrief(story, state, catalogue)
    present = {x.dimension: x.noticed for x in d.dimensions}
    assert present == {"DR": True, "CR": False, "RAV": False, "EX": True, "CD": False, "AVD": False}
    cd = next(x for x in d.dimensions if x.dimension == "CD")
    assert cd.cued_ids == (DR,) and cd.noticed_ids == () and not cd.cued
    assert d.victim == victim
    assert d.trafficking_noticed is supported
    assert d.trafficking_cued is supported
    assert d.missed_strong == (DR,)
