"""Site-wide roles: what an admin grants or withdraws (the trainer role above all)."""

from __future__ import annotations

from sqlmodel import Session, select

from trainer.models import ROLES, User
from trainer.services.cohorts.errors import CohortError


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
