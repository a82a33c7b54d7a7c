"""Cohorts: create, join, members, co-trainers, assignments, and who may see what.

Every function that takes a cohort id checks that the acting trainer trains it (owner or
co-trainer) and raises :class:`NotFound` otherwise, so the web layer turns any object that
is not the trainer's into a 404 without saying whether it exists.

Which attempts a trainer may see (the *cohort scope*): attempts by a member of the cohort,
started after they joined it, at a module assigned in the cohort (to everyone or to that
member). What a learner played before joining, or at modules nobody assigned them, stays
private.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, and_, delete, exists, func, or_
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from trainer.models import (
    ROLES,
    Assignment,
    Attempt,
    Cohort,
    CohortMember,
    CohortTrainer,
    User,
)
from trainer.services.progress import NotFound

#: Join codes: no 0/O or 1/I, so they survive being read aloud or copied from a slide.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
COUNTS = ("best", "last", "first")


class CohortError(ValueError):
    """A request that cannot be met; ``str(error)`` is a reason code the view translates."""


# --------------------------------------------------------------------------- cohorts


def new_code() -> str:
    """A fresh random join code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a learner typed, as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())[:20]


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


# --------------------------------------------------------------------------- people


def members(session: Session, cohort: Cohort) -> list[tuple[User, datetime]]:
    """The learners of a cohort with the time they joined, by name."""
    rows = session.exec(
        select(User, CohortMember.joined_at)
        .join(CohortMember, col(CohortMember.user_id) == User.id)
        .where(CohortMember.cohort_id == cohort.id)
        .order_by(col(User.display_name), col(User.username))
    ).all()
    return [(u, j) for u, j in rows]


def trainers(session: Session, cohort: Cohort) -> list[User]:
    """The trainers of a cohort, owner first."""
    rows = session.exec(
        select(User)
        .join(CohortTrainer, col(CohortTrainer.user_id) == User.id)
        .where(CohortTrainer.cohort_id == cohort.id)
        .order_by(col(User.id) != cohort.owner_id, col(User.username))
    ).all()
    return list(rows)


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


def set_role(session: Session, username: str, role: str, grant: bool = True) -> User:
    """Grant or withdraw a role (what an admin does; ``trainer grant`` on the command line).

    :raises CohortError: ``unknown`` user, ``role`` not one of ROLES, ``keep-learner``
        (every user keeps the learner role).
    """
    if role not in ROLES:
        raise CohortError("role")
    user = session.exec(select(User).where(User.username == username.strip().lower())).first()
    if user is None:
        raise CohortError("unknown")
    held = user.roles.split()
    if grant:
        held = list(dict.fromkeys([*held, role]))
    else:
        if role == "learner":
            raise CohortError("keep-learner")
        held = [r for r in held if r != role]
    user.roles = " ".join(held)
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


# --------------------------------------------------------------------------- assignments


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


# --------------------------------------------------------------------------- scope


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
    """An attempt in the cohort scope (see the module docstring), else :class:`NotFound`."""
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
