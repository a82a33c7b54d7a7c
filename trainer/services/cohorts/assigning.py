"""A cohort's assignments: a module given to everyone or one learner, with its dates,
pass mark, kind (graded or practice) and which attempt counts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from trainer.models import Assignment, Cohort
from trainer.services.cohorts.errors import CohortError
from trainer.services.cohorts.membership import is_member
from trainer.services.progress import NotFound

COUNTS = ("best", "last", "first")


@dataclass(frozen=True)
class AssignmentInput:
    """What the assignment form gives."""

    story_id: str
    user_id: int | None
    open_at: datetime | None
    due_at: datetime | None
    pass_mark: int | None
    graded: bool
    counts: str


def assignments(session: Session, cohort: Cohort) -> list[Assignment]:
    """The cohort's assignments, by due date (none last), then creation."""
    return list(
        session.exec(
            select(Assignment)
            .where(Assignment.cohort_id == cohort.id)
            .order_by(
                col(Assignment.due_at).is_(None),
                col(Assignment.due_at),
                col(Assignment.id),
            )
        ).all()
    )


def get_assignment(session: Session, cohort: Cohort, assignment_id: int) -> Assignment:
    """An assignment of the cohort, else :class:`NotFound`."""
    found = session.get(Assignment, assignment_id)
    if found is None or found.cohort_id != cohort.id:
        raise NotFound(assignment_id)
    return found


def _check(session: Session, cohort: Cohort, data: AssignmentInput, default_mark: int) -> int:
    if data.counts not in COUNTS:
        raise CohortError("counts")
    if data.user_id is not None:
        assert cohort.id is not None
        if not is_member(session, cohort.id, data.user_id):
            raise CohortError("learner")
    if data.open_at and data.due_at and data.due_at < data.open_at:
        raise CohortError("dates")
    mark = default_mark if data.pass_mark is None else data.pass_mark
    if not 0 <= mark <= 100:
        raise CohortError("pass-mark")
    return mark


def create_assignment(
    session: Session, cohort: Cohort, data: AssignmentInput, default_mark: int
) -> Assignment:
    """Assign a module to the cohort or one learner; ``default_mark`` is the story's."""
    mark = _check(session, cohort, data, default_mark)
    assert cohort.id is not None
    found = Assignment(
        cohort_id=cohort.id,
        user_id=data.user_id,
        story_id=data.story_id,
        open_at=data.open_at,
        due_at=data.due_at,
        pass_mark=mark,
        graded=data.graded,
        counts=data.counts,
    )
    session.add(found)
    session.commit()
    session.refresh(found)
    return found


def update_assignment(
    session: Session, cohort: Cohort, found: Assignment, data: AssignmentInput, default_mark: int
) -> Assignment:
    """Change an assignment (its module stays; attempts are never touched)."""
    mark = _check(session, cohort, data, default_mark)
    found.user_id = data.user_id
    found.open_at = data.open_at
    found.due_at = data.due_at
    found.pass_mark = mark
    found.graded = data.graded
    found.counts = data.counts
    session.add(found)
    session.commit()
    session.refresh(found)
    return found


def delete_assignment(session: Session, found: Assignment) -> None:
    """Remove an assignment (attempts are kept)."""
    session.delete(found)
    session.commit()
