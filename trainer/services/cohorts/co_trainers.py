"""A cohort's trainers: the owner and the co-trainers they add or who step down."""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from trainer.models import Cohort, CohortTrainer, User
from trainer.services.cohorts.errors import CohortError
from trainer.services.progress import NotFound


def trainers(session: Session, cohort: Cohort) -> list[User]:
    """The trainers of a cohort, owner first."""
    rows = session.exec(
        select(User)
        .join(CohortTrainer, col(CohortTrainer.user_id) == User.id)
        .where(CohortTrainer.cohort_id == cohort.id)
        .order_by(col(User.id) != cohort.owner_id, col(User.username))
    ).all()
    return list(rows)


def add_trainer(session: Session, cohort: Cohort, username: str) -> User:
    """Make another trainer a co-trainer of the cohort.

    :raises CohortError: ``unknown`` user, ``not-trainer`` (lacks the role) or ``already``.
    """
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise CohortError("unknown")
    if not user.has_role("trainer"):
        raise CohortError("not-trainer")
    assert user.id is not None and cohort.id is not None
    found = session.exec(
        select(CohortTrainer.id).where(
            CohortTrainer.cohort_id == cohort.id, CohortTrainer.user_id == user.id
        )
    ).first()
    if found is not None:
        raise CohortError("already")
    session.add(CohortTrainer(cohort_id=cohort.id, user_id=user.id))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise CohortError("already") from None
    return user


def remove_trainer(session: Session, actor: User, cohort: Cohort, user_id: int) -> User:
    """Remove a co-trainer (the owner may; a co-trainer may remove themself).

    :raises CohortError: ``owner`` (the owner cannot be removed) or ``owner-only``.
    :raises NotFound: not a trainer of this cohort.
    """
    user = next((u for u in trainers(session, cohort) if u.id == user_id), None)
    if user is None:
        raise NotFound(user_id)
    if user.id == cohort.owner_id:
        raise CohortError("owner")
    if actor.id not in (cohort.owner_id, user.id):
        raise CohortError("owner-only")
    session.exec(
        delete(CohortTrainer).where(
            col(CohortTrainer.cohort_id) == cohort.id, col(CohortTrainer.user_id) == user_id
        )
    )
    session.commit()
    return user
