"""Accounts: creating users, checking passwords, slowing down password guessing."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, select
from werkzeug.security import check_password_hash, generate_password_hash

from trainer.models import ROLES, LoginThrottle, User, utcnow

USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,80}$")
MIN_PASSWORD = 8


class AccountError(ValueError):
    """A request that cannot be met; the message is shown to the person."""


def hash_password(password: str) -> str:
    """Werkzeug's scrypt hash (salted, memory-hard)."""
    return generate_password_hash(password, method="scrypt")


def find_user(session: Session, username: str) -> User | None:
    """The user with this username (case-insensitive), if any."""
    return session.exec(select(User).where(User.username == username.strip().lower())).first()


def create_user(
    session: Session,
    username: str,
    password: str,
    display_name: str = "",
    roles: str = "learner",
) -> User:
    """Create and commit a user; raises :class:`AccountError` with a reason."""
    name = username.strip().lower()
    if not USERNAME.match(name):
        raise AccountError("username")
    if len(password) < MIN_PASSWORD:
        raise AccountError("password")
    if any(r not in ROLES for r in roles.split()):
        raise AccountError("role")
    if find_user(session, name):
        raise AccountError("taken")
    user = User(
        username=name,
        display_name=display_name.strip()[:120] or name,
        password_hash=hash_password(password),
        roles=" ".join(dict.fromkeys(["learner", *roles.split()])),
    )
    session.add(user)
    session.commit()
    session.refresh(user)
    return user


def wait_seconds(session: Session, username: str, free: int, max_delay: int) -> int:
    """Seconds until the next sign-in try for ``username`` is allowed (0: now)."""
    row = session.get(LoginThrottle, username[:120])
    if row is None or row.failures < free:
        return 0
    delay = min(max_delay, 2 ** (row.failures - free) * 15)
    last = row.last_failure_at
    if last.tzinfo is None:
        last = last.replace(tzinfo=UTC)
    remaining = (last + timedelta(seconds=delay)) - datetime.now(UTC)
    return max(0, int(remaining.total_seconds()) + 1) if remaining.total_seconds() > 0 else 0


def authenticate(
    session: Session,
    username: str,
    password: str,
    free: int = 5,
    max_delay: int = 900,
    client: str = "",
) -> User:
    """The user if the password matches.

    :param client: the caller's address. Failures are counted per username *and* address,
        so guessing from one place is slowed down without letting anyone lock a learner
        out of their own account from elsewhere.
    :raises AccountError: ``"wait:N"`` while throttled, ``"invalid"`` otherwise. The same
        message for an unknown user and a wrong password, so usernames cannot be probed.
    """
    name = username.strip().lower()
    key = f"{name}|{client}"[:120]
    wait = wait_seconds(session, key, free, max_delay)
    if wait:
        raise AccountError(f"wait:{wait}")
    user = find_user(session, name)
    if user is not None and check_password_hash(user.password_hash, password):
        row = session.get(LoginThrottle, key)
        if row is not None:
            session.delete(row)
            session.commit()
        return user
    row = session.get(LoginThrottle, key) or LoginThrottle(key=key, failures=0)
    row.failures += 1
    row.last_failure_at = utcnow()
    session.add(row)
    session.commit()
    raise AccountError("invalid")


def change_password(session: Session, user: User, current: str, new: str) -> None:
    """Change a password after checking the current one."""
    if not check_password_hash(user.password_hash, current):
        raise AccountError("invalid")
    if len(new) < MIN_PASSWORD:
        raise AccountError("password")
    user.password_hash = hash_password(new)
    session.add(user)
    session.commit()


def set_locale(session: Session, user: User, locale: str) -> None:
    """Remember the interface language a user picked."""
    user.locale = locale
    session.add(user)
    session.commit()
