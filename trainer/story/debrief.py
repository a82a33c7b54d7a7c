"""The debrief of a finished (or abandoned) attempt: what was noticed, missed, done.

This is what the product exists for, so it is computed from plain data only (the story,
the state and the catalogue) and returns plain data; the web page, the terminal and the
trainer's reports all present the same result. See ``docs/scoring.md``.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from trainer.story.abstract import may_be_true
from trainer.story.catalogue import DESTINATION, DIMENSIONS, RECRUITMENT, Catalogue
from trainer.story.model import Choice, Cue, Passage, Story
from trainer.story.runtime import PlayError, available_choices, choose, start
from trainer.story.state import State

NOTICED, MISSED, NOT_UNCOVERED, FALSE_FLAG = "noticed", "missed", "not-uncovered", "false-flag"
INDICATOR_POINTS, PRACTICE_POINTS, REFERRAL_POINTS = 50, 20, 30
PASSING_OUTCOMES = ("good", "partial")


@dataclass(frozen=True)
class Where:
    """A cue on the learner's path: the passage and the highlighted words."""

    passage: str
    title: str
    cue_number: int
    text: str
    step: int  # index in the path where the learner was shown it


@dataclass(frozen=True)
class Question:
    """A choice that would have brought an indicator into view."""

    passage: str
    choice: str
    label: str
    on_path: bool  # the learner stood in that passage and did not ask


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator's fate in this attempt."""

    indicator: str
    status: str
    how: str = ""  # "noted", "probed" or "noted+probed" for noticed ones
    where: Where | None = None
    question: Question | None = None
    in_case: bool = True


@dataclass(frozen=True)
class PracticeResult:
    """A practice followed or broken at one step."""

    practice: str
    kind: str  # good | poor
    step: int
    passage: str
    choice: str
    label: str
    feedback: str


@dataclass(frozen=True)
class DimensionResult:
    """An ILO–EC dimension, present (by the 2009 rule) on what was noticed and cued."""

    dimension: str
    noticed: bool
    cued: bool
    noticed_ids: tuple[str, ...]
    cued_ids: tuple[str, ...]


@dataclass(frozen=True)
class Debrief:
    """Everything the learner is shown at the end."""

    finished: bool
    ending: str
    outcome: str
    indicators: list[IndicatorResult]
    practices: list[PracticeResult]
    referrals_made: tuple[str, ...]
    referrals_ideal: tuple[str, ...]
    dimensions: list[DimensionResult]
    victim: str
    trafficking_noticed: bool
    trafficking_cued: bool
    missed_strong: tuple[str, ...]
    score: int
    parts: dict[str, int] = field(default_factory=dict)
    pass_mark: int = 70
    passed: bool = False

    def by_status(self, status: str) -> list[IndicatorResult]:
        """The indicator results with one status."""
        return [r for r in self.indicators if r.status == status]

    @property
    def referrals_correct(self) -> tuple[str, ...]:
        """Ideal referrals that were made."""
        return tuple(r for r in self.referrals_ideal if r in self.referrals_made)

    @property
    def referrals_missing(self) -> tuple[str, ...]:
        """Ideal referrals that were not made."""
        return tuple(r for r in self.referrals_ideal if r not in self.referrals_made)

    @property
    def referrals_extra(self) -> tuple[str, ...]:
        """Referrals made that the case did not call for."""
        return tuple(r for r in self.referrals_made if r not in self.referrals_ideal)


def dimension_present(ids: list[str], catalogue: Catalogue) -> bool:
    """The ILO–EC 2009 rule for one dimension's indicators.

    Present with 2 strong; 1 strong + 1 medium or weak; 3 medium; or 2 medium + 1 weak.
    """
    counts = Counter(catalogue.indicators[i].strength for i in ids if i in catalogue.indicators)
    strong, medium, weak = counts["strong"], counts["medium"], counts["weak"]
    return (
        strong >= 2
        or (strong >= 1 and medium + weak >= 1)
        or medium >= 3
        or (medium >= 2 and weak >= 1)
    )


def trafficking_supported(present: set[str], victim: str) -> bool:
    """Adults need recruitment + exploitation + coercion/vulnerability at destination;
    for children the means are irrelevant, so recruitment + exploitation suffice."""
    recruitment = bool(present & set(RECRUITMENT))
    if victim == "child":
        return recruitment and "EX" in present
    return recruitment and "EX" in present and bool(present & set(DESTINATION))


def make_debrief(story: Story, state: State, catalogue: Catalogue) -> Debrief:
    """Compute the debrief of ``state`` (a finished attempt, or an unfinished one so far)."""
    choices = [c for c in (story.choice(k) for k in state.taken) if c is not None]
    offered = _offered(story, state)
    shown = _cues_on_path(story, state)
    probed = {ind for c in choices for ind in c.probes}
    case = list(dict.fromkeys(story.meta.indicators))
    results: list[IndicatorResult] = []
    for ind in case:
        noted, probe = state.noted(ind), ind in probed
        how = "+".join(w for w, on in (("noted", noted), ("probed", probe)) if on)
        if ind in shown:
            status = NOTICED if how else MISSED
            results.append(IndicatorResult(ind, status, how, where=shown[ind]))
        else:
            # Part of the case but never shown: "not uncovered", even when the learner
            # guessed it (``how="noted"``); a false flag is only what the case lacks.
            results.append(
                IndicatorResult(
                    ind,
                    NOT_UNCOVERED,
                    "noted" if noted else "",
                    question=_question(story, state, ind, offered),
                )
            )
    for ind in state.notes:
        if ind not in case:
            results.append(IndicatorResult(ind, FALSE_FLAG, "noted", in_case=False))

    practices = [
        PracticeResult(p.practice, p.kind, step, c.passage, c.key, c.label, c.feedback)
        for step, c in enumerate(choices, start=1)
        for p in c.practices
    ]
    ending = story.passages[state.passage]
    made = ending.referrals if ending.is_ending else ()
    noticed_ids = [r.indicator for r in results if r.status == NOTICED]
    dimensions = []
    for dim in DIMENSIONS:
        n_ids = [i for i in noticed_ids if _dimension(catalogue, i) == dim]
        c_ids = [i for i in shown if _dimension(catalogue, i) == dim]
        dimensions.append(
            DimensionResult(
                dim,
                dimension_present(n_ids, catalogue),
                dimension_present(c_ids, catalogue),
                tuple(n_ids),
                tuple(c_ids),
            )
        )
    missed_strong = tuple(
        r.indicator for r in results if r.status == MISSED and catalogue.weight(r.indicator) == 3
    )
    parts = _score(results, practices, made, story.meta.ideal_referrals, ending, catalogue)
    score = sum(parts.values())
    return Debrief(
        finished=state.finished,
        ending=ending.id,
        outcome=ending.outcome,
        indicators=results,
        practices=practices,
        referrals_made=made,
        referrals_ideal=story.meta.ideal_referrals,
        dimensions=dimensions,
        victim=story.meta.victim,
        trafficking_noticed=trafficking_supported(
            {d.dimension for d in dimensions if d.noticed}, story.meta.victim
        ),
        trafficking_cued=trafficking_supported(
            {d.dimension for d in dimensions if d.cued}, story.meta.victim
        ),
        missed_strong=missed_strong,
        score=score,
        parts=parts,
        pass_mark=story.meta.pass_mark,
        # Only an ending where the person was identified can pass: a missed victim or a
        # harmful outcome fails whatever the points.
        passed=state.finished
        and score >= story.meta.pass_mark
        and ending.outcome in PASSING_OUTCOMES,
    )


def _dimension(catalogue: Catalogue, indicator: str) -> str | None:
    found = catalogue.indicators.get(indicator)
    return found.dimension if found else None


def _cues_on_path(story: Story, state: State) -> dict[str, Where]:
    """First place on the path where each indicator was shown."""
    found: dict[str, Where] = {}
    for step, pid in enumerate(state.path):
        passage = story.passages.get(pid)
        if passage is None:
            continue
        for cue in passage.cues:
            for ind in cue.indicators:
                found.setdefault(ind, _where(passage, cue, step))
    return found


def _where(passage: Passage, cue: Cue, step: int) -> Where:
    return Where(passage.id, passage.title, cue.number, cue.text, step)


def _offered(story: Story, state: State) -> set[str]:
    """Keys of every choice the learner was actually shown along the path."""
    offered: set[str] = set()
    try:
        replayed = start(story, state.role)
        for i, key in enumerate(state.taken):
            notes = state.notes_at[i] if i < len(state.notes_at) else state.notes
            replayed = replace(replayed, notes=notes)
            offered.update(c.key for c in available_choices(story, replayed))
            replayed = choose(story, replayed, key)
        offered.update(c.key for c in available_choices(story, replayed))
    except PlayError:  # a state from elsewhere (a jump in the author's preview)
        pass
    return offered


def _question(story: Story, state: State, indicator: str, offered: set[str]) -> Question | None:
    """The choice that leads into a passage cueing ``indicator``.

    Preferred in order: one the learner was actually offered; one that probes the
    indicator; one whose condition can hold for the learner's role. A choice reserved for
    another role is never suggested.
    """
    targets = {p.id for p, _cue in story.cue_passages().get(indicator, [])}
    candidates: list[Choice] = [
        c
        for p in story.passages.values()
        for c in p.choices
        if c.target in targets and _role_allows(c, state.role, story)
    ]
    if not candidates:
        return None
    best = min(
        candidates,
        key=lambda c: (
            c.key not in offered,
            indicator not in c.probes,
            c.passage not in state.path,
        ),
    )
    return Question(best.passage, best.key, best.label, best.key in offered)


def _role_allows(choice: Choice, role: str, story: Story) -> bool:
    """Can the choice's condition be true for ``role``, whatever the other values?"""
    if choice.condition is None:
        return True
    return may_be_true(choice.condition, story, frozenset({role}))


def _score(
    results: list[IndicatorResult],
    practices: list[PracticeResult],
    made: tuple[str, ...],
    ideal: tuple[str, ...],
    ending: Passage,
    catalogue: Catalogue,
) -> dict[str, int]:
    """Points out of 100; the formula is documented in docs/scoring.md."""

    def weight(status: str) -> float:
        return sum(catalogue.weight(r.indicator) for r in results if r.status == status)

    denominator = weight(NOTICED) + weight(MISSED) + 0.5 * weight(NOT_UNCOVERED)
    numerator = weight(NOTICED) - 0.5 * weight(FALSE_FLAG)
    if denominator:
        share = max(0.0, numerator / denominator)
    else:  # a case with nothing to notice (a control case): full marks unless a false flag
        share = 0.0 if weight(FALSE_FLAG) else 1.0
    good = sum(1 for p in practices if p.kind == "good")
    poor = sum(1 for p in practices if p.kind == "poor")
    practice_share = good / (good + poor) if good + poor else 1.0
    if not ending.is_ending or ending.outcome == "harmful":
        referral_share = 0.0
    else:
        union = set(made) | set(ideal)
        referral_share = len(set(made) & set(ideal)) / len(union) if union else 1.0
    return {
        "indicators": round(INDICATOR_POINTS * min(share, 1.0)),
        "practices": round(PRACTICE_POINTS * practice_share),
        "referrals": round(REFERRAL_POINTS * referral_share),
    }
