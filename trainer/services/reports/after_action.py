"""The after-action report: shortcomings with counts, and recommendations."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass

from sqlalchemy import (
    and_,
    case,
    distinct,
    func,
    or_,
    true,
)
from sqlmodel import Session, col, select

from trainer.models import (
    AttemptFinding,
    Cohort,
    CohortMember,
)
from trainer.services.reports._sql import _count_if, _float
from trainer.services.reports.analytics import _scoped
from trainer.story.catalogue import Catalogue


@dataclass(frozen=True)
class Shortcoming:
    """One item of the after-action report, with counts and the catalogue's advice."""

    kind: str  # indicator | practice | referral
    item: str
    count: int  # missed / broken / wrong
    out_of: int  # times it could have gone right or wrong
    learners: int  # distinct learners concerned
    extra: int = 0  # not uncovered (indicators), made but not needed (referrals)


@dataclass(frozen=True)
class StoryLine:
    """One module's results in the report."""

    story_id: str
    attempts: int
    learners: int
    passed: int
    mean_score: float | None


@dataclass
class Report:
    """The after-action report of a cohort."""

    members: int
    learners: int
    attempts: int
    passed: int
    mean_score: float | None
    outcomes: dict[str, int]
    stories: list[StoryLine]
    indicators: list[Shortcoming]
    practices: list[Shortcoming]
    referrals: list[Shortcoming]


def after_action(session: Session, cohort: Cohort, story_id: str | None = None) -> Report:
    """Shortcomings of the cohort's completed attempts, most frequent first."""
    assert cohort.id is not None
    scoped = _scoped(cohort.id, story_id=story_id)
    completed = scoped.c.status == "completed"
    members = session.exec(
        select(func.count()).select_from(CohortMember).where(CohortMember.cohort_id == cohort.id)
    ).one()
    stories = [
        StoryLine(r[0], int(r[1]), int(r[2]), int(r[3] or 0), _float(r[4]))
        for r in session.exec(
            select(
                scoped.c.story_id,
                func.count(),
                func.count(distinct(scoped.c.user_id)),
                _count_if(scoped.c.passed == true()),
                func.avg(scoped.c.score),
            )
            .where(completed)
            .group_by(scoped.c.story_id)
            .order_by(scoped.c.story_id)
        ).all()
    ]
    outcomes = {
        str(o or ""): int(n)
        for o, n in session.exec(
            select(scoped.c.outcome, func.count()).where(completed).group_by(scoped.c.outcome)
        ).all()
    }
    totals = session.exec(
        select(
            func.count(),
            func.count(distinct(scoped.c.user_id)),
            _count_if(scoped.c.passed == true()),
            func.avg(scoped.c.score),
        ).where(completed)
    ).one()
    f = AttemptFinding
    status = col(f.status)
    bad = or_(
        and_(col(f.kind) == "indicator", status == "missed"),
        and_(col(f.kind) == "practice", status == "poor"),
        and_(col(f.kind) == "referral", status.in_(("missing", "extra"))),
    )
    rows = session.exec(
        select(
            f.kind,
            f.item,
            _count_if(status.in_(("missed", "poor", "missing"))).label("bad"),
            _count_if(
                status.in_(("noticed", "missed", "good", "poor", "correct", "missing"))
            ).label("out_of"),
            _count_if(status.in_(("not-uncovered", "extra"))).label("extra"),
            func.count(distinct(case((bad, scoped.c.user_id), else_=None))).label("learners"),
        )
        .join(scoped, scoped.c.id == f.attempt_id)
        .where(completed, col(f.status) != "false-flag")
        .group_by(col(f.kind), col(f.item))
        .having(
            or_(
                func.sum(case((bad, 1), else_=0)) > 0,
                func.sum(case((status == "not-uncovered", 1), else_=0)) > 0,
            )
        )
        .order_by(func.sum(case((bad, 1), else_=0)).desc(), col(f.item))
    ).all()
    found: dict[str, list[Shortcoming]] = {"indicator": [], "practice": [], "referral": []}
    for kind, item, n_bad, out_of, extra, learners in rows:
        if kind in found:
            found[kind].append(
                Shortcoming(kind, item, int(n_bad), int(out_of), int(learners), int(extra))
            )
    # referrals: a referral made but not needed is as much a shortcoming as one missed
    found["referral"].sort(key=lambda s: (-(s.count + s.extra), s.item))
    found["indicator"].sort(key=lambda s: (-s.count, -s.extra, s.item))
    return Report(
        members=int(members),
        learners=int(totals[1]),
        attempts=int(totals[0]),
        passed=int(totals[2] or 0),
        mean_score=float(totals[3]) if totals[3] is not None else None,
        outcomes=outcomes,
        stories=stories,
        indicators=found["indicator"],
        practices=found["practice"],
        referrals=found["referral"],
    )


@dataclass(frozen=True)
class Recommendation:
    """A recommendation from the catalogues and the shortcomings it answers."""

    text: str
    because: list[Shortcoming]


def recommendations(report: Report, catalogue: Catalogue, limit: int = 12) -> list[Recommendation]:
    """The catalogue's ``recommendation`` texts for the report's shortcomings, the most
    frequent shortcoming first; items sharing a text are listed together."""
    items: list[tuple[int, Shortcoming, str]] = []
    for s in [*report.indicators, *report.practices, *report.referrals]:
        entry: t.Any = {
            "indicator": catalogue.indicators,
            "practice": catalogue.practices,
            "referral": catalogue.referrals,
        }[s.kind].get(s.item)
        text = getattr(entry, "recommendation", "") if entry is not None else ""
        weight = s.count + s.extra
        if text and weight:
            items.append((weight, s, text))
    items.sort(key=lambda x: -x[0])
    out: dict[str, Recommendation] = {}
    for _w, s, text in items:
        out.setdefault(text, Recommendation(text, [])).because.append(s)
    return list(out.values())[:limit]


# --------------------------------------------------------------------------- CSV
