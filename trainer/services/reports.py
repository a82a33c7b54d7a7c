"""Trainers' reports: progress matrix, story analytics, after-action report, CSV export.

Every figure is aggregated by the database (``GROUP BY``, window functions), never by
Python loops over attempts, so a page costs a handful of queries whatever the cohort's
size; the same statements run on SQLite and PostgreSQL. Python only arranges the rows it
gets back (into a grid, a sorted list, a table).

Which attempts count (see :mod:`trainer.services.cohorts` for the cohort scope):

- **Assignment cells** (matrix, a learner's catalogue): the learner's own attempts at the
  assigned module, started after they joined the cohort and on or after the assignment's
  open date (any time if it has none). Replays ("replay from here") are study aids and do
  not count. Of the completed ones, the assignment's rule picks the one that counts: the
  best score (earliest on a tie), the first or the last finished.
- **Analytics and the after-action report**: every attempt in the cohort scope except
  replays (a replay copies the steps of its original, which would count them twice).
- **Time spent**: the gaps between an attempt's steps (the first from its start), each
  capped at :data:`IDLE_CAP` seconds, so an attempt left open overnight does not count as
  a day's work.
"""

from __future__ import annotations

import csv
import io
import typing as t
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import (
    Float,
    and_,
    case,
    distinct,
    func,
    literal_column,
    not_,
    or_,
    true,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select

from trainer.models import (
    Assignment,
    Attempt,
    AttemptFinding,
    Cohort,
    CohortMember,
    Step,
    StoryVersion,
    User,
)
from trainer.services.cohorts import assigned_to, member_join
from trainer.services.progress import NotFound, Played
from trainer.story.catalogue import Catalogue
from trainer.story.model import Story

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


@dataclass(frozen=True, slots=True)
class Cell:
    """One learner's standing on one assignment."""

    assignment_id: int
    user_id: int
    status: str
    attempts: int
    open: int
    seconds: float
    counted_id: int | None
    score: int | None
    late: bool

    @property
    def started(self) -> bool:
        """Has the learner started this assignment at all?"""
        return self.attempts > 0


@dataclass
class MatrixRow:
    """A learner of the cohort with their cells and totals."""

    user: User
    joined_at: datetime
    cells: dict[int, Cell] = field(default_factory=dict)
    attempts: int = 0
    last: datetime | None = None
    seconds: float = 0.0
    done: int = 0  # assignments completed or passed
    counted: bool = False  # totals filled in


@dataclass
class Matrix:
    """Learners by assignments, plus status counts per assignment."""

    assignments: list[Assignment]
    rows: list[MatrixRow]
    summary: dict[int, dict[str, int]]
    sort: str
    descending: bool


SORTS = ("name", "attempts", "last", "time", "done")


def _utc(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def matrix(
    session: Session,
    cohort: Cohort,
    now: datetime,
    sort: str = "name",
    descending: bool = False,
) -> Matrix:
    """The progress matrix of a cohort, in three queries whatever its size."""
    assert cohort.id is not None
    found = list(
        session.exec(
            select(Assignment)
            .where(Assignment.cohort_id == cohort.id)
            .order_by(col(Assignment.due_at).is_(None), col(Assignment.due_at), col(Assignment.id))
        ).all()
    )
    people = session.exec(
        select(User, CohortMember.joined_at)
        .join(CohortMember, col(CohortMember.user_id) == User.id)
        .where(CohortMember.cohort_id == cohort.id)
    ).all()
    rows = {u.id: MatrixRow(u, j) for u, j in people}
    cells = _cells(now, cohort_id=cohort.id)
    done = cells.c.status.in_(("completed", "passed"))
    per_user = (cells.c.uid,)
    stmt = select(
        cells.c.aid,
        cells.c.uid,
        cells.c.status,
        cells.c.attempts,
        cells.c.open,
        cells.c.seconds,
        cells.c.counted_id,
        cells.c.score,
        cells.c.late,
        func.sum(cells.c.attempts).over(partition_by=per_user).label("u_attempts"),
        func.max(cells.c.last).over(partition_by=per_user).label("u_last"),
        func.sum(cells.c.seconds).over(partition_by=per_user).label("u_seconds"),
        func.sum(case((done, 1), else_=0)).over(partition_by=per_user).label("u_done"),
        func.count().over(partition_by=(cells.c.aid, cells.c.status)).label("n_status"),
    )
    summary: dict[int, dict[str, int]] = {a.id: {} for a in found if a.id is not None}
    for (
        aid,
        uid,
        status,
        attempts,
        is_open,
        seconds,
        counted_id,
        score,
        late,
        *user,
    ) in session.exec(stmt).all():
        row = rows.get(uid)
        if row is None:
            continue
        row.cells[aid] = Cell(
            aid, uid, status, attempts, is_open, seconds or 0.0, counted_id, score, bool(late)
        )
        if not row.counted:  # the learner's totals repeat on each of their rows
            row.attempts, row.last = int(user[0] or 0), user[1]
            row.seconds, row.done = float(user[2] or 0), int(user[3] or 0)
            row.counted = True
        summary.setdefault(aid, {})[status] = int(user[4])
    sort = sort if sort in SORTS or sort.startswith("a") else "name"
    ordered = sorted(rows.values(), key=_sort_key(sort), reverse=descending)
    return Matrix(found, ordered, summary, sort, descending)


_STATUS_ORDER = {s: i for i, s in enumerate(STATUSES)}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _sort_key(sort: str) -> t.Callable[[MatrixRow], t.Any]:
    def name(row: MatrixRow) -> tuple[str, str]:
        return ((row.user.display_name or row.user.username).casefold(), row.user.username)

    if sort == "attempts":
        return lambda r: (r.attempts, name(r))
    if sort == "last":
        return lambda r: (r.last or _EPOCH, name(r))
    if sort == "time":
        return lambda r: (r.seconds, name(r))
    if sort == "done":
        return lambda r: (r.done, name(r))
    if sort.startswith("a") and sort[1:].isdigit():
        aid = int(sort[1:])

        def by_cell(r: MatrixRow) -> t.Any:
            cell = r.cells.get(aid)
            if cell is None:
                return (-1, -1, name(r))
            return (_STATUS_ORDER.get(cell.status, 0), cell.score or 0, name(r))

        return by_cell
    return name


@dataclass(frozen=True)
class LearnerAssignment:
    """An assignment as its learner sees it in the catalogue."""

    assignment_id: int
    cohort_name: str
    story_id: str
    open_at: datetime | None
    due_at: datetime | None
    pass_mark: int
    graded: bool
    counts: str
    status: str
    attempts: int
    score: int | None
    late: bool

    def opens_later(self, now: datetime) -> bool:
        """Is the open date still ahead?"""
        return self.open_at is not None and self.open_at > now


def learner_assignments(
    session: Session, user: User, now: datetime, cohort_id: int | None = None
) -> list[LearnerAssignment]:
    """A learner's assignments (across their cohorts, or in one): overdue first, then by
    due date."""
    assert user.id is not None
    cells = _cells(now, cohort_id=cohort_id, user_id=user.id)
    rows = session.exec(
        select(cells, Cohort.name)
        .join(Cohort, col(Cohort.id) == cells.c.cohort_id)
        .order_by(
            cells.c.status != "overdue",
            cells.c.due_at.is_(None),
            cells.c.due_at,
            cells.c.aid,
        )
    ).all()
    return [
        LearnerAssignment(
            r.aid,
            r.name,
            r.story_id,
            _utc(r.open_at),
            _utc(r.due_at),
            r.pass_mark,
            bool(r.graded),
            r.counts,
            r.status,
            int(r.attempts),
            r.score,
            bool(r.late),
        )
        for r in rows
    ]


# --------------------------------------------------------------------------- analytics


def _scoped(cohort_id: int, *, version_id: int | None = None, story_id: str | None = None):  # type: ignore[no-untyped-def]
    """Subquery of the cohort's attempts (replays left out), optionally of one version/story."""
    conditions = [assigned_to(cohort_id), col(Attempt.replay_of).is_(None)]
    if version_id is not None:
        conditions.append(col(Attempt.story_version_id) == version_id)
    if story_id is not None:
        conditions.append(col(Attempt.story_id) == story_id)
    return (
        select(
            col(Attempt.id).label("id"),
            col(Attempt.user_id).label("user_id"),
            col(Attempt.story_id).label("story_id"),
            col(Attempt.story_version_id).label("version_id"),
            col(Attempt.status).label("status"),
            col(Attempt.passage).label("passage"),
            col(Attempt.score).label("score"),
            col(Attempt.passed).label("passed"),
            col(Attempt.outcome).label("outcome"),
            col(Attempt.updated_at).label("updated_at"),
        )
        .join(CohortMember, member_join(cohort_id))
        .where(*conditions)
        .subquery("scoped")
    )


@dataclass(frozen=True)
class VersionChoice:
    """A story version the cohort played, for the analytics picker."""

    id: int
    story_id: str
    language: str
    title: str
    content_hash: str
    created_at: datetime
    attempts: int


def played_versions(session: Session, cohort: Cohort) -> list[VersionChoice]:
    """The story versions with attempts in the cohort scope, most played first per story."""
    assert cohort.id is not None
    scoped = _scoped(cohort.id)
    rows = session.exec(
        select(
            StoryVersion.id,
            StoryVersion.story_id,
            StoryVersion.language,
            StoryVersion.title,
            StoryVersion.content_hash,
            StoryVersion.created_at,
            func.count(scoped.c.id).label("n"),
        )
        .join(scoped, scoped.c.version_id == StoryVersion.id)
        .group_by(
            col(StoryVersion.id),
            col(StoryVersion.story_id),
            col(StoryVersion.language),
            col(StoryVersion.title),
            col(StoryVersion.content_hash),
            col(StoryVersion.created_at),
        )
        .order_by(col(StoryVersion.story_id), func.count(scoped.c.id).desc())
    ).all()
    return [VersionChoice(r[0], r[1], r[2], r[3], r[4], _utc(r[5]), int(r[6])) for r in rows]  # type: ignore[arg-type]


@dataclass(frozen=True)
class Rate:
    """A count out of a total, with the share for a heat map."""

    n: int
    total: int

    @property
    def share(self) -> float:
        """n / total (0 when there is nothing to count)."""
        return self.n / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        """The share in whole percent."""
        return round(100 * self.share)

    @property
    def heat(self) -> int:
        """0 to 5, for the heat-map colour classes."""
        return min(5, round(5 * self.share + 0.49)) if self.n else 0


@dataclass
class Analytics:
    """What a cohort did with one story version."""

    version: StoryVersion
    attempts: int = 0
    learners: int = 0
    completed: int = 0
    in_progress: int = 0
    passed: int = 0
    mean_score: float | None = None
    choices: dict[str, int] = field(default_factory=dict)
    stops: list[tuple[str, int, int]] = field(default_factory=list)  # passage, open, stalled
    endings: list[tuple[str, str, int]] = field(default_factory=list)  # passage, outcome, n
    indicators: dict[str, dict[str, int]] = field(default_factory=dict)
    practices: dict[str, dict[str, int]] = field(default_factory=dict)
    referrals: dict[str, dict[str, int]] = field(default_factory=dict)


def analytics(session: Session, cohort: Cohort, version_id: int, now: datetime) -> Analytics:
    """Choice counts, stopping points, indicator rates, practices, referrals: five queries."""
    assert cohort.id is not None
    version = session.get(StoryVersion, version_id)
    if version is None:
        raise NotFound(version_id)
    scoped = _scoped(cohort.id, version_id=version_id)
    completed = scoped.c.status == "completed"
    head = session.exec(
        select(
            func.count(scoped.c.id),
            func.count(distinct(scoped.c.user_id)),
            _count_if(completed),
            _count_if(scoped.c.status == "in-progress"),
            _count_if(and_(completed, scoped.c.passed == true())),
            func.avg(case((completed, scoped.c.score), else_=None)),
        )
    ).one()
    if not head[0]:
        raise NotFound(version_id)  # nothing of this cohort's played on this version
    result = Analytics(
        version,
        attempts=int(head[0]),
        learners=int(head[1]),
        completed=int(head[2] or 0),
        in_progress=int(head[3] or 0),
        passed=int(head[4] or 0),
        mean_score=float(head[5]) if head[5] is not None else None,
    )
    for key, n in session.exec(
        select(Step.choice_key, func.count())
        .join(scoped, scoped.c.id == Step.attempt_id)
        .group_by(col(Step.choice_key))
    ).all():
        result.choices[key] = int(n)
    stalled = scoped.c.updated_at < now - STALLED_AFTER
    for passage, status, outcome, n, idle in session.exec(
        select(
            scoped.c.passage,
            scoped.c.status,
            scoped.c.outcome,
            func.count(),
            _count_if(stalled),
        )
        .group_by(scoped.c.passage, scoped.c.status, scoped.c.outcome)
        .order_by(func.count().desc(), scoped.c.passage)
    ).all():
        if status == "completed":
            result.endings.append((passage, outcome or "", int(n)))
        else:
            result.stops.append((passage, int(n), int(idle or 0)))
    for kind, item, status, n in session.exec(
        select(AttemptFinding.kind, AttemptFinding.item, AttemptFinding.status, func.count())
        .join(scoped, scoped.c.id == AttemptFinding.attempt_id)
        .where(completed)
        .group_by(col(AttemptFinding.kind), col(AttemptFinding.item), col(AttemptFinding.status))
    ).all():
        table = {
            "indicator": result.indicators,
            "practice": result.practices,
            "referral": result.referrals,
        }.get(kind)
        if table is not None:
            table.setdefault(item, {})[status] = int(n)
    return result


@dataclass(frozen=True)
class ChoiceLine:
    """A choice with how often the cohort took it, and its share within its passage."""

    passage: str
    passage_title: str
    key: str
    label: str
    n: int
    share: Rate


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator's fate across the completed attempts of a version."""

    id: str
    in_case: bool
    noticed: Rate
    missed: Rate
    not_uncovered: Rate
    false_flag: int


@dataclass(frozen=True)
class ReferralLine:
    """A referral: needed by the case or not, how often made, how often missing."""

    id: str
    ideal: bool
    made: Rate
    missing: Rate


@dataclass(frozen=True)
class AnalyticsTables:
    """The analytics' query results arranged against the story, ready for the page."""

    choices: list[ChoiceLine]
    indicators: list[IndicatorLine]
    practices: list[tuple[str, int, int]]  # id, broken, followed
    referrals: list[ReferralLine]
    stops: list[tuple[str, str, int, int]]  # passage, title, in progress, stalled
    endings: list[tuple[str, str, str, Rate]]  # passage, title, outcome, share


def analytics_tables(result: Analytics, story: Story) -> AnalyticsTables:
    """Arrange :func:`analytics` figures in the story's order (no counting happens here)."""
    done = result.completed

    def title(pid: str) -> str:
        passage = story.passages.get(pid)
        return passage.title if passage else pid

    choices = []
    for passage in story.passages.values():
        total = sum(result.choices.get(c.key, 0) for c in passage.choices)
        for c in passage.choices:
            n = result.choices.get(c.key, 0)
            choices.append(ChoiceLine(passage.id, passage.title, c.key, c.label, n, Rate(n, total)))
    case_ids = list(dict.fromkeys(story.meta.indicators))
    others = sorted(i for i in result.indicators if i not in case_ids)
    indicators = []
    for ind in [*case_ids, *others]:
        got = result.indicators.get(ind, {})
        indicators.append(
            IndicatorLine(
                ind,
                ind in case_ids,
                Rate(got.get("noticed", 0), done),
                Rate(got.get("missed", 0), done),
                Rate(got.get("not-uncovered", 0), done),
                got.get("false-flag", 0),
            )
        )
    practices = sorted(
        ((p, got.get("poor", 0), got.get("good", 0)) for p, got in result.practices.items()),
        key=lambda x: (-x[1], -x[2], x[0]),
    )
    ideal = list(story.meta.ideal_referrals)
    referrals = []
    for ref in [*ideal, *sorted(r for r in result.referrals if r not in ideal)]:
        got = result.referrals.get(ref, {})
        made = got.get("correct", 0) + got.get("extra", 0)
        referrals.append(
            ReferralLine(ref, ref in ideal, Rate(made, done), Rate(got.get("missing", 0), done))
        )
    stops = [(pid, title(pid), n, idle) for pid, n, idle in result.stops]
    endings = [(pid, title(pid), outcome, Rate(n, done)) for pid, outcome, n in result.endings]
    return AnalyticsTables(choices, indicators, practices, referrals, stops, endings)


@dataclass(frozen=True)
class TranscriptLine:
    """One step of an attempt as the trainer reads it (the last line: where it ended)."""

    number: int  # the step's number; 0 for the final passage
    path_index: int  # position in the attempt's path (the debrief links cues to it)
    passage: str
    title: str
    choice_label: str
    target_title: str
    feedback: str
    practices: tuple[tuple[str, str], ...]  # (good|poor, practice id)
    probes: tuple[str, ...]
    at: datetime | None
    seconds: float | None
    notes: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]


def transcript(played: Played, steps: list[Step]) -> list[TranscriptLine]:
    """The steps of one attempt with the story's feedback, timing and note changes."""
    story, attempt = played.story, played.attempt

    def title(pid: str) -> str:
        passage = story.passages.get(pid)
        return passage.title if passage else pid

    lines = []
    before: tuple[str, ...] = ()
    last = _utc(attempt.started_at)
    for s in steps:
        choice = story.choice(s.choice_key)
        at = _utc(s.created_at)
        notes = tuple(s.notes or ())
        lines.append(
            TranscriptLine(
                number=s.number,
                path_index=s.number - 1,
                passage=s.passage,
                title=title(s.passage),
                choice_label=s.choice_label,
                target_title=title(s.target),
                feedback=choice.feedback if choice else "",
                practices=tuple((p.kind, p.practice) for p in choice.practices) if choice else (),
                probes=tuple(choice.probes) if choice else (),
                at=at,
                seconds=(at - last).total_seconds() if at and last else None,
                notes=notes,
                added=tuple(n for n in notes if n not in before),
                removed=tuple(n for n in before if n not in notes),
            )
        )
        before, last = notes, at
    final = tuple(played.state.notes)
    end_at = _utc(attempt.finished_at or attempt.updated_at)
    lines.append(
        TranscriptLine(
            number=0,
            path_index=len(steps),
            passage=played.state.passage,
            title=title(played.state.passage),
            choice_label="",
            target_title="",
            feedback="",
            practices=(),
            probes=(),
            at=end_at,
            seconds=None,
            notes=final,
            added=tuple(n for n in final if n not in before),
            removed=tuple(n for n in before if n not in final),
        )
    )
    return lines


# --------------------------------------------------------------------------- after-action


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

GRAINS = ("attempts", "steps", "indicators")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: object) -> object:
    """A value safe to open in a spreadsheet: text that a spreadsheet would read as a
    formula (``=``, ``+``, ``-``, ``@``, tab, return) gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        value = _utc(value)
        assert value is not None
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float):
        return round(value, 1)
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _all_scoped(cohort_id: int):  # type: ignore[no-untyped-def]
    """Every attempt in the cohort scope, replays included (they are marked)."""
    return (
        select(col(Attempt.id).label("id"))
        .join(CohortMember, member_join(cohort_id))
        .where(assigned_to(cohort_id))
        .subquery("export_scope")
    )


def export_rows(
    session: Session, cohort: Cohort, grain: str, catalogue: Catalogue
) -> Iterator[list[object]]:
    """The rows of one CSV grain, header first, streamed from the database."""
    assert cohort.id is not None
    scope = _all_scoped(cohort.id)
    if grain == "attempts":
        n_steps = (
            select(Step.attempt_id, func.count().label("n"))
            .join(scope, scope.c.id == Step.attempt_id)
            .group_by(col(Step.attempt_id))
            .subquery("n_steps")
        )
        yield [
            "attempt_id", "username", "display_name", "story_id", "story_version_id",
            "content_hash", "language", "role", "status", "replay_of", "started_at",
            "last_activity", "finished_at", "steps", "time_spent_seconds", "score",
            "passed_story_mark", "outcome", "current_passage",
        ]  # fmt: skip
        stmt = (
            select(
                Attempt.id,
                User.username,
                User.display_name,
                Attempt.story_id,
                Attempt.story_version_id,
                StoryVersion.content_hash,
                Attempt.language,
                Attempt.role,
                Attempt.status,
                Attempt.replay_of,
                Attempt.started_at,
                Attempt.updated_at,
                Attempt.finished_at,
                func.coalesce(n_steps.c.n, 0),
                func.coalesce(_attempt_time(), 0),
                Attempt.score,
                Attempt.passed,
                Attempt.outcome,
                Attempt.passage,
            )
            .join(scope, scope.c.id == Attempt.id)
            .join(User, col(User.id) == Attempt.user_id)
            .join(StoryVersion, col(StoryVersion.id) == Attempt.story_version_id)
            .outerjoin(n_steps, n_steps.c.attempt_id == Attempt.id)
            .order_by(col(User.username), col(Attempt.id))
        )
        for row in session.exec(stmt.execution_options(yield_per=500)):
            yield list(row)
    elif grain == "steps":
        yield [
            "attempt_id", "username", "story_id", "language", "role", "step", "passage",
            "choice_key", "choice_label", "target", "chosen_at", "seconds_since_previous",
            "notes",
        ]  # fmt: skip
        prev = func.lag(Step.created_at).over(partition_by=Step.attempt_id, order_by=Step.number)
        stmt = (
            select(
                Step.attempt_id,
                User.username,
                Attempt.story_id,
                Attempt.language,
                Attempt.role,
                Step.number,
                Step.passage,
                Step.choice_key,
                Step.choice_label,
                Step.target,
                Step.created_at,
                SecondsBetween(func.coalesce(prev, Attempt.started_at), Step.created_at),
                Step.notes,
            )
            .join(scope, scope.c.id == Step.attempt_id)
            .join(Attempt, col(Attempt.id) == Step.attempt_id)
            .join(User, col(User.id) == Attempt.user_id)
            .order_by(col(User.username), col(Step.attempt_id), col(Step.number))
        )
        for row in session.exec(stmt.execution_options(yield_per=1000)):
            *head, notes = list(row)
            yield [*head, " ".join(notes or [])]
    elif grain == "indicators":
        yield [
            "attempt_id", "username", "story_id", "indicator", "status", "label",
            "dimension", "strength",
        ]  # fmt: skip
        stmt = (
            select(
                AttemptFinding.attempt_id,
                User.username,
                Attempt.story_id,
                AttemptFinding.item,
                AttemptFinding.status,
            )
            .join(scope, scope.c.id == AttemptFinding.attempt_id)
            .join(Attempt, col(Attempt.id) == AttemptFinding.attempt_id)
            .join(User, col(User.id) == Attempt.user_id)
            .where(AttemptFinding.kind == "indicator")
            .order_by(col(User.username), col(AttemptFinding.attempt_id), col(AttemptFinding.id))
        )
        for attempt_id, username, story_id, item, status in session.exec(
            stmt.execution_options(yield_per=1000)
        ):
            ind = catalogue.indicators.get(item)
            yield [
                attempt_id,
                username,
                story_id,
                item,
                status,
                ind.label if ind else "",
                (ind.dimension or "") if ind else "",
                ind.strength if ind else "",
            ]
    else:
        raise NotFound(grain)


def csv_stream(rows: t.Iterable[list[object]]) -> Iterator[str]:
    """CSV text in chunks: UTF-8 byte-order mark first (spreadsheets then read UTF-8),
    CRLF line ends, every cell neutralised by :func:`csv_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for i, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(v) for v in row])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


__all__ = [
    "GRAINS",
    "IDLE_CAP",
    "Analytics",
    "Matrix",
    "Report",
    "after_action",
    "analytics",
    "csv_cell",
    "csv_stream",
    "export_rows",
    "learner_assignments",
    "matrix",
    "played_versions",
    "recommendations",
]
