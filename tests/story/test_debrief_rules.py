"""Debrief rules that protect the learner from misleading feedback."""

from __future__ import annotations

from trainer.story import available_choices, choose, compile_story, make_debrief, start
from trainer.story.debrief import NOT_UNCOVERED

BODY = """
## Door {#door}

The supervisor opens the door.

- [Ask for the pay records](#records){if="role == 'labour-inspector'"}
- [Ask about his day](#day)
- [Leave with nothing](#end-missed)
- [Leave and refer him](#end-good)

## Records {#records}

[The ledger shows fines for every day off.]{indicator=wage-deductions}

- [Leave and refer him](#end-good)

## His day {#day}

[He starts at six and stops at ten.]{indicator=excessive-hours}

- [Ask about the records after all](#records){if="role == 'labour-inspector'"}
- [Leave and refer him](#end-good)

## Missed {#end-missed .ending outcome=missed referrals="legal-aid"}

Nothing is done.

## Referred {#end-good .ending outcome=good referrals="nrm"}

He is referred.
"""


def compiled(catalogue):
    from tests.conftest import build_story

    text = build_story(
        BODY,
        roles=["police", "labour-inspector"],
        indicators=["wage-deductions", "excessive-hours"],
        ideal_referrals=["nrm", "legal-aid"],
        pass_mark=10,
    )
    result = compile_story(text, catalogue, "rules.md")
    assert result.ok, [d.format() for d in result.diagnostics]
    return result.story


def play(story, role, *keys):
    state = start(story, role)
    for key in keys:
        assert key in [c.key for c in available_choices(story, state)], key
        state = choose(story, state, key)
    return state


def test_a_missed_victim_never_passes_even_with_enough_points(catalogue):
    story = compiled(catalogue)
    good = make_debrief(story, play(story, "labour-inspector", "door:2", "day:2"), catalogue)
    assert good.outcome == "good" and good.passed is True
    missed = make_debrief(story, play(story, "labour-inspector", "door:3"), catalogue)
    assert missed.outcome == "missed"
    assert missed.score >= missed.pass_mark  # the points alone would pass ...
    assert missed.passed is False  # ... but the victim was not identified


def test_the_suggested_question_fits_the_role_and_says_honestly_if_it_was_offered(catalogue):
    story = compiled(catalogue)
    # a police officer never had the records question: it is not suggested at all
    police = make_debrief(story, play(story, "police", "door:4"), catalogue)
    records = next(r for r in police.indicators if r.indicator.endswith("wage-deductions"))
    assert records.status == NOT_UNCOVERED and records.question is None
    # an inspector had it at the door: suggested, and marked as offered
    inspector = make_debrief(story, play(story, "labour-inspector", "door:4"), catalogue)
    records = next(r for r in inspector.indicators if r.indicator.endswith("wage-deductions"))
    assert records.question is not None
    assert (records.question.choice, records.question.on_path) == ("door:1", True)
    # the day question was offered at the door to both roles
    hours = next(r for r in police.indicators if r.indicator.endswith("excessive-hours"))
    assert (hours.question.choice, hours.question.on_path) == ("door:2", True)
