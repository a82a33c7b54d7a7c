"""A trainer's cohorts: the list, creating, finding (ownership-checked), renaming, a new
join code, deleting."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from trainer.models import Assignment, Cohort, CohortMember, CohortTrainer, User
from trainer.services.cohorts.codes import new_code
from trainer.services.cohorts.errors import CohortError
from trainer.services.progress import NotFound


@dataclass(frozen=True)
class CohortSummary:
    """A row of the trainer's cohort list."""

    cohort: Cohort
    members: int
    assignments: int
    owner: bool


def trained_cohorts(session: Session, trainer: User) -> list[CohortSummary]:
    """The cohorts ``trainer`` owns or co-owns, with member and assignment counts."""
    members = (
        select(CohortMember.cohort_id, func.count().label("n"))
        .group_by(col(CohortMember.cohort_id))
        .subquery()
    )
    assigned = (
        select(Assignment.cohort_id, func.count().label("n"))
        .group_by(col(Assignment.cohort_id))
        .subquery()
    )
    rows = session.exec(
        select(Cohort, func.coalesce(members.c.n, 0), func.coalesce(assigned.c.n, 0))
        .join(CohortTrainer, col(CohortTrainer.cohort_id) == Cohort.id)
        .outerjoin(members, members.c.cohort_id == Cohort.id)
        .outerjoin(assigned, assigned.c.cohort_id == Cohort.id)
        .where(CohortTrainer.user_id == trainer.id)
        .order_by(col(Cohort.created_at).desc(), col(Cohort.id).desc())
    ).all()
    return [CohortSummary(c, int(m), int(a), c.owner_id == trainer.id) for c, m, a in rows]


def create_cohort(session: Session, owner: User, name: str) -> Cohort:
    """A new cohort owned by ``owner``, with a fresh join code."""
    name = name.strip()[:200]
    if not name:
        raise CohortError("name")
    assert owner.id is not None
    for _attempt in range(5):
        cohort = Cohort(name=name, owner_id=owner.id, join_code=new_code())
        session.add(cohort)
        try:
            session.flush()
        except IntegrityError:  # a join code taken already: try another
            session.rollback()
            continue
        assert cohort.id is not None
        session.add(CohortTrainer(cohort_id=cohort.id, user_id=owner.id))
        session.commit()
        session.refresh(cohort)
        return cohort
    raise CohortError("code")


def get_cohort(session: Session, trainer: User, cohort_id: int) -> Cohort:
    """A cohort ``trainer`` trains, else :class:`NotFound`."""
    cohort = session.exec(
        select(Cohort)
        .join(CohortTrainer, col(CohortTrainer.cohort_id) == Cohort.id)
        .where(Cohort.id == cohort_id, CohortTrainer.user_id == trainer.id)
    ).first()
    if cohort is None:
        raise NotFound(cohort_id)
    return cohort


def rename_cohort(session: Session, cohort: Cohort, name: str) -> None:
    """Give a cohort a new name."""
    name = name.strip()[:200]
    if not name:
        raise CohortError("name")
    cohort.name = name
    session.add(cohort)
    session.commit()


def regenerate_code(session: Session, cohort: Cohort) -> str:
    """Replace the join code (the old code and link stop working)."""
    for _attempt in range(5):
        cohort.join_code = new_code()
        session.add(cohort)
        try:
            session.commit()
        except IntegrityError:
            session.rollback()
            continue
        return cohort.join_code
    raise CohortError("code")


def delete_cohort(session: Session, actor: User, cohort: Cohort) -> None:
    """Delete a cohort with its members, trainers and assignments (owner only).

    Attempts belong to the learners and are kept.
    """
    if cohort.owner_id != actor.id:
        raise CohortError("owner-only")
    for table in (Assignment, CohortMember, CohortTrainer):
        session.exec(delete(table).where(col(table.cohort_id) == cohort.id))
    session.delete(cohort)
    session.commit()
