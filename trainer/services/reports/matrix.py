"""The progress matrix and a learner's assignments (see the package docstring)."""

from __future__ import annotations

import typing as t
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import (
    case,
    func,
)
from sqlmodel import Session, col, select

from trainer.models import (
    Assignment,
    Cohort,
    CohortMember,
    User,
)
from trainer.services.reports._sql import STATUSES, _cells


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
