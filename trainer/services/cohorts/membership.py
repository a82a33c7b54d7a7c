"""A cohort's learners: listing them, joining by code, taking one out."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from trainer.models import Assignment, Cohort, CohortMember, User
from trainer.services.cohorts.codes import normalise_code
from trainer.services.progress import NotFound


def members(session: Session, cohort: Cohort) -> list[tuple[User, datetime]]:
    """The learners of a cohort with the time they joined, by name."""
    rows = session.exec(
        select(User, CohortMember.joined_at)
        .join(CohortMember, col(CohortMember.user_id) == User.id)
        .where(CohortMember.cohort_id == cohort.id)
        .order_by(col(User.display_name), col(User.username))
    ).all()
    return [(u, j) for u, j in rows]


def get_member(session: Session, cohort: Cohort, user_id: int) -> User:
    """A learner of the cohort, else :class:`NotFound`."""
    user = session.exec(
        select(User)
        .join(CohortMember, col(CohortMember.user_id) == User.id)
        .where(CohortMember.cohort_id == cohort.id, User.id == user_id)
    ).first()
    if user is None:
        raise NotFound(user_id)
    return user


def find_cohort_by_code(session: Session, code: str) -> Cohort | None:
    """The cohort a join code opens, if any."""
    code = normalise_code(code)
    if len(code) < 4:
        return None
    return session.exec(select(Cohort).where(Cohort.join_code == code)).first()


def join(session: Session, learner: User, code: str) -> tuple[Cohort, bool]:
    """Add ``learner`` to the cohort of ``code``; ``(cohort, False)`` if already a member.

    :raises NotFound: no cohort has this code.
    """
    cohort = find_cohort_by_code(session, code)
    if cohort is None:
        raise NotFound(code)
    assert cohort.id is not None and learner.id is not None
    if is_member(session, cohort.id, learner.id):
        return cohort, False
    session.add(CohortMember(cohort_id=cohort.id, user_id=learner.id))
    try:
        session.commit()
    except IntegrityError:  # joined in another tab a moment ago
        session.rollback()
        return cohort, False
    return cohort, True


def is_member(session: Session, cohort_id: int, user_id: int) -> bool:
    """Is the user a learner of the cohort?"""
    return (
        session.exec(
            select(CohortMember.id).where(
                CohortMember.cohort_id == cohort_id, CohortMember.user_id == user_id
            )
        ).first()
        is not None
    )


def remove_member(session: Session, cohort: Cohort, user_id: int) -> User:
    """Take a learner out of the cohort (their attempts stay theirs).

    Assignments made to that learner alone go too. :raises NotFound: not a member.
    """
    user = get_member(session, cohort, user_id)
    session.exec(
        delete(CohortMember).where(
            col(CohortMember.cohort_id) == cohort.id, col(CohortMember.user_id) == user_id
        )
    )
    session.exec(
        delete(Assignment).where(
            col(Assignment.cohort_id) == cohort.id, col(Assignment.user_id) == user_id
        )
    )
    session.commit()
    return user
