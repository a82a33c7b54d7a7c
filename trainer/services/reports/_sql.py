"""SQL building blocks shared by the reports: durations, counters, the matrix cells."""

from __future__ import annotations

import typing as t
from datetime import datetime, timedelta

from sqlalchemy import (
    Float,
    and_,
    case,
    func,
    literal_column,
    not_,
    or_,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import col, select

from trainer.models import (
    Assignment,
    Attempt,
    CohortMember,
    Step,
)

IDLE_CAP = 600  # seconds: a longer pause between two steps counts as this much
STALLED_AFTER = timedelta(days=7)
#: Cell statuses from the furthest behind to the furthest along (the matrix sorts by it).
STATUSES = ("not-started", "overdue", "in-progress", "failed", "completed", "passed")


# --------------------------------------------------------------------------- SQL helpers


class SecondsBetween(FunctionElement[float]):
    """``SecondsBetween(start, end)``: seconds from one timestamp column to another."""

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(SecondsBetween)
def _seconds_default(element: SecondsBetween, compiler: t.Any, **kw: t.Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS DOUBLE PRECISION)"


@compiles(SecondsBetween, "sqlite")
def _seconds_sqlite(element: SecondsBetween, compiler: t.Any, **kw: t.Any) -> str:
    start, end = (compiler.process(c, **kw) for c in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 86400.0)"


class CappedSeconds(FunctionElement[float]):
    """``CappedSeconds(start, end, cap)``: seconds between two timestamps, within 0..cap."""

    type = Float()
    inherit_cache = True
    name = "capped_seconds"


@compiles(CappedSeconds)
def _capped_default(element: CappedSeconds, compiler: t.Any, **kw: t.Any) -> str:
    start, end, cap = (compiler.process(c, **kw) for c in element.clauses)
    return (
        f"LEAST(GREATEST(CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS DOUBLE PRECISION), 0), "
        f"{cap})"
    )


@compiles(CappedSeconds, "sqlite")
def _capped_sqlite(element: CappedSeconds, compiler: t.Any, **kw: t.Any) -> str:
    start, end, cap = (compiler.process(c, **kw) for c in element.clauses)
    return f"min(max((julianday({end}) - julianday({start})) * 86400.0, 0), {cap})"


def _float(value: t.Any) -> float | None:
    return float(value) if value is not None else None


def _count_if(condition: t.Any) -> t.Any:
    return func.sum(case((condition, 1), else_=0))


# --------------------------------------------------------------------------- cells


def _attempt_time() -> t.Any:
    """Correlated scalar subquery: seconds spent on the outer query's ``Attempt``.

    A step's predecessor is found through the unique (attempt, number) index (steps are
    numbered 1, 2, 3… without gaps); the first step counts from the attempt's start. Being
    correlated, it is a few index lookups per attempt whatever the planner believes about
    table sizes.
    """
    step, previous = aliased(Step), aliased(Step)
    gap = CappedSeconds(
        func.coalesce(previous.created_at, Attempt.started_at),
        step.created_at,
        literal_column(str(IDLE_CAP)),
    )
    return (
        select(func.sum(gap))
        .select_from(step)
        .outerjoin(
            previous,
            and_(
                col(previous.attempt_id) == col(step.attempt_id),
                col(previous.number) == col(step.number) - 1,
            ),
        )
        .where(col(step.attempt_id) == col(Attempt.id))
        .correlate(Attempt)
        .scalar_subquery()
    )


def _cells(now: datetime, cohort_id: int | None = None, user_id: int | None = None) -> t.Any:
    """One row per (assignment, learner it applies to), with status and figures.

    Restricted to one cohort (the matrix) or one learner across cohorts (their catalogue).
    Built as one join, one window and one ``GROUP BY`` (no join between aggregated
    subqueries), so even a planner without table statistics cannot turn it into a loop
    of re-aggregations.
    """
    pair_filter = [
        or_(col(Assignment.user_id).is_(None), Assignment.user_id == CohortMember.user_id)
    ]
    if cohort_id is not None:
        pair_filter.append(col(Assignment.cohort_id) == cohort_id)
    if user_id is not None:
        pair_filter.append(col(CohortMember.user_id) == user_id)
    pairs = (
        select(
            col(Assignment.id).label("aid"),
            col(CohortMember.user_id).label("uid"),
            col(Assignment.cohort_id).label("cohort_id"),
            col(CohortMember.joined_at).label("joined_at"),
            col(Assignment.story_id).label("story_id"),
            col(Assignment.open_at).label("open_at"),
            col(Assignment.due_at).label("due_at"),
            col(Assignment.pass_mark).label("pass_mark"),
            col(Assignment.graded).label("graded"),
            col(Assignment.counts).label("counts"),
        )
        .join(CohortMember, col(CohortMember.cohort_id) == Assignment.cohort_id)
        .where(*pair_filter)
        .subquery("pairs")
    )
    completed = col(Attempt.status) == "completed"
    # Rank 1 is the attempt that counts: completed ones first, then by the assignment's
    # rule: the best score (earliest on a tie), the last finished, or the first finished.
    rank = func.row_number().over(
        partition_by=(pairs.c.aid, pairs.c.uid),
        order_by=(
            case((completed, 0), else_=1),
            case((pairs.c.counts == "best", Attempt.score), else_=0).desc(),
            case((pairs.c.counts == "last", Attempt.finished_at), else_=None).desc().nulls_last(),
            col(Attempt.finished_at),
            col(Attempt.id),
        ),
    )
    tries = (
        select(
            *pairs.c,
            col(Attempt.id).label("tid"),
            col(Attempt.status).label("status"),
            col(Attempt.score).label("score"),
            col(Attempt.outcome).label("outcome"),
            col(Attempt.updated_at).label("updated_at"),
            col(Attempt.finished_at).label("finished_at"),
            _attempt_time().label("seconds"),
            rank.label("rank"),
        )
        .select_from(pairs)
        .outerjoin(
            Attempt,
            and_(
                col(Attempt.user_id) == pairs.c.uid,
                col(Attempt.story_id) == pairs.c.story_id,
                col(Attempt.replay_of).is_(None),
                col(Attempt.started_at) >= pairs.c.joined_at,
                or_(pairs.c.open_at.is_(None), col(Attempt.started_at) >= pairs.c.open_at),
            ),
        )
        .subquery("tries")
    )
    counted = and_(tries.c.rank == 1, tries.c.status == "completed")
    keys = (
        tries.c.aid,
        tries.c.uid,
        tries.c.cohort_id,
        tries.c.story_id,
        tries.c.open_at,
        tries.c.due_at,
        tries.c.pass_mark,
        tries.c.graded,
        tries.c.counts,
    )
    grouped = (
        select(
            *keys,
            func.count(tries.c.tid).label("attempts"),
            _count_if(tries.c.status == "completed").label("completed"),
            _count_if(tries.c.status == "in-progress").label("open"),
            func.max(tries.c.updated_at).label("last"),
            func.coalesce(func.sum(tries.c.seconds), 0).label("seconds"),
            func.max(case((counted, tries.c.tid), else_=None)).label("counted_id"),
            func.max(case((counted, tries.c.score), else_=None)).label("score"),
            func.max(case((counted, tries.c.outcome), else_=None)).label("outcome"),
            func.max(case((counted, tries.c.finished_at), else_=None)).label("finished_at"),
        )
        .group_by(*keys)
        .subquery("grouped")
    )
    g = grouped.c
    has_counted = g.counted_id.is_not(None)
    status = case(
        (and_(has_counted, not_(g.graded == true())), "completed"),
        (
            and_(
                has_counted,
                g.score >= g.pass_mark,
                func.coalesce(g.outcome, "") != "harmful",
            ),
            "passed",
        ),
        (has_counted, "failed"),
        (and_(g.due_at.is_not(None), g.due_at < now), "overdue"),
        (g.open > 0, "in-progress"),
        else_="not-started",
    ).label("status")
    late = and_(has_counted, g.due_at.is_not(None), g.finished_at > g.due_at)
    return select(*grouped.c, late.label("late"), status).subquery("cells")
