"""The cohort scope: which attempts a trainer may see (see the package docstring).

The two SQL pieces, :func:`assigned_to` and :func:`member_join`, are what the reports
build on too, so a trainer's pages and exports agree on what is in scope.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, exists, or_
from sqlmodel import Session, col, select

from trainer.models import Assignment, Attempt, Cohort, CohortMember, User
from trainer.services.progress import NotFound


def assigned_to(cohort_id: int | ColumnElement[int]) -> ColumnElement[bool]:
    """SQL: the current ``Attempt`` row's module is assigned in the cohort to its learner."""
    return exists(
        select(Assignment.id).where(
            Assignment.cohort_id == cohort_id,
            col(Assignment.story_id) == col(Attempt.story_id),
            or_(col(Assignment.user_id).is_(None), col(Assignment.user_id) == Attempt.user_id),
        )
    )


def member_join(cohort_id: int) -> ColumnElement[bool]:
    """SQL join: the ``CohortMember`` of the cohort who made the ``Attempt``, since joining."""
    return and_(
        col(CohortMember.cohort_id) == cohort_id,
        col(CohortMember.user_id) == col(Attempt.user_id),
        col(Attempt.started_at) >= col(CohortMember.joined_at),
    )


def cohort_attempt(session: Session, cohort: Cohort, attempt_id: int) -> Attempt:
    """An attempt in the cohort scope (see the package docstring), else :class:`NotFound`."""
    assert cohort.id is not None
    found = session.exec(
        select(Attempt)
        .join(CohortMember, member_join(cohort.id))
        .where(Attempt.id == attempt_id, assigned_to(cohort.id))
    ).first()
    if found is None:
        raise NotFound(attempt_id)
    return found


def learner_attempts(session: Session, cohort: Cohort, learner: User) -> list[Attempt]:
    """A member's attempts in the cohort scope, newest first."""
    assert cohort.id is not None
    return list(
        session.exec(
            select(Attempt)
            .join(CohortMember, member_join(cohort.id))
            .where(Attempt.user_id == learner.id, assigned_to(cohort.id))
            .order_by(col(Attempt.started_at).desc(), col(Attempt.id).desc())
        ).all()
    )
