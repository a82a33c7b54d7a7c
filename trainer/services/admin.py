"""What an admin does: list users, grant or withdraw roles, see the database, back it up.

Roles are changed through :func:`trainer.services.cohorts.set_role` (the same service the
``trainer grant`` command uses); this module adds the admin's own rules on top: only the
trainer, author and admin roles can be changed here, and the site never loses its last
admin (an admin cannot withdraw their own admin role, and the last remaining admin
keeps it).
"""

from __future__ import annotations

import os
import shlex
import sqlite3
import tempfile
import typing as t
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, or_
from sqlalchemy.engine import URL, Engine
from sqlmodel import Session, col, select

from trainer.models import Attempt, User
from trainer.services.cohorts import CohortError, set_role
from trainer.services.progress import NotFound

PER_PAGE = 50
#: The roles an admin grants or withdraws; every user keeps ``learner``.
GRANTABLE = ("trainer", "author", "admin")


class AdminError(ValueError):
    """A change that cannot be made; ``str(error)`` is a reason code the view translates:
    ``role``, ``keep-learner``, ``own-admin``, ``last-admin``."""


@dataclass(frozen=True)
class UserRow:
    """A user with the figures the admin's table shows."""

    user: User
    attempts: int
    last_activity: datetime | None


@dataclass(frozen=True)
class UserPage:
    """One page of the user list."""

    rows: list[UserRow]
    total: int
    page: int
    pages: int


@dataclass(frozen=True)
class DatabaseInfo:
    """The configured database, safe to show: never the password."""

    backend: str  # "sqlite" | "postgresql" | another SQLAlchemy dialect name
    url: str  # the URL with the password replaced by ***
    name: str  # the database (SQLite: the file path)
    host: str
    port: int | None
    username: str

    @property
    def is_sqlite(self) -> bool:
        return self.backend == "sqlite"

    def _connection(self) -> list[str]:
        """Host, port and user options for the PostgreSQL command-line tools."""
        words = []
        if self.host:
            words.append(f"--host={self.host}")
        if self.port:
            words.append(f"--port={self.port}")
        if self.username:
            words.append(f"--username={self.username}")
        return words

    def pg_dump(self, file: str) -> str:
        """The ``pg_dump`` command line that writes this database to ``file`` (no password:
        pg_dump asks for it, or reads ``~/.pgpass`` / ``PGPASSWORD``)."""
        return shlex.join(
            ["pg_dump", "--format=custom", *self._connection(), f"--file={file}", self.name]
        )

    def pg_restore(self, file: str) -> str:
        """The ``pg_restore`` command line that puts ``file`` back into this database."""
        return shlex.join(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                *self._connection(),
                f"--dbname={self.name}",
                file,
            ]
        )


# --------------------------------------------------------------------------- users


def _activity() -> t.Any:
    """Per user: the number of attempts and when the last one last moved."""
    return (
        select(
            col(Attempt.user_id).label("user_id"),
            func.count(col(Attempt.id)).label("attempts"),
            func.max(col(Attempt.updated_at)).label("last_activity"),
        )
        .group_by(col(Attempt.user_id))
        .subquery()
    )


def _like(text: str) -> str:
    """A LIKE pattern matching ``text`` anywhere, its own % and _ taken literally."""
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _lower(session: Session) -> t.Any:
    """SQL ``lower`` that knows every alphabet. PostgreSQL's does; SQLite's only knows
    ASCII, so there a Python function is registered on the session's connection."""
    if session.get_bind().dialect.name != "sqlite":
        return func.lower
    raw = session.connection().connection.driver_connection
    raw.create_function(  # type: ignore[union-attr]
        "trainer_lower", 1, lambda s: s.lower() if isinstance(s, str) else s, deterministic=True
    )
    return func.trainer_lower


def list_users(session: Session, query: str = "", page: int = 1) -> UserPage:
    """Users in username order, :data:`PER_PAGE` a page, optionally only those whose
    username or display name contains ``query`` (case-insensitive, Cyrillic too); a page
    past the last one gives the last one."""
    matches = []
    query = query.strip()[:100]
    if query:
        pattern, lower = _like(query), _lower(session)
        matches.append(
            or_(
                lower(col(User.username)).like(pattern, escape="\\"),
                lower(col(User.display_name)).like(pattern, escape="\\"),
            )
        )
    total = session.exec(select(func.count()).select_from(User).where(*matches)).one()
    pages = max(1, -(-total // PER_PAGE))
    page = min(max(1, page), pages)
    activity = _activity()
    rows = session.exec(
        select(User, func.coalesce(activity.c.attempts, 0), activity.c.last_activity)
        .outerjoin(activity, activity.c.user_id == col(User.id))
        .where(*matches)
        .order_by(col(User.username))
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    return UserPage(
        rows=[UserRow(user, int(attempts), last) for user, attempts, last in rows],
        total=int(total),
        page=page,
        pages=pages,
    )


def get_user(session: Session, user_id: int) -> UserRow:
    """One user with their figures.

    :raises NotFound: there is no such user.
    """
    activity = _activity()
    found = session.exec(
        select(User, func.coalesce(activity.c.attempts, 0), activity.c.last_activity)
        .outerjoin(activity, activity.c.user_id == col(User.id))
        .where(col(User.id) == user_id)
    ).first()
    if found is None:
        raise NotFound(user_id)
    user, attempts, last = found
    return UserRow(user, int(attempts), last)


def _admins(session: Session) -> list[User]:
    """Every admin, their rows locked until commit (PostgreSQL), so two admins withdrawing
    each other at the same moment cannot leave the site without one."""
    candidates = session.exec(
        select(User).where(col(User.roles).contains("admin")).with_for_update()
    ).all()
    return [u for u in candidates if "admin" in u.roles.split()]


def change_role(session: Session, actor_id: int, user_id: int, role: str, grant: bool) -> User:
    """Grant or withdraw ``role`` for the user ``user_id``, as the admin ``actor_id``.

    :raises NotFound: there is no such user.
    :raises AdminError: ``keep-learner`` (the learner role), ``role`` (not a role at all),
        ``own-admin`` (the actor's own admin role), ``last-admin`` (the only admin left).
    """
    if role not in GRANTABLE:
        raise AdminError("keep-learner" if role == "learner" else "role")
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(user_id)
    if not grant and role == "admin" and "admin" in user.roles.split():
        if user.id == actor_id:
            raise AdminError("own-admin")
        if len(_admins(session)) <= 1:
            session.rollback()
            raise AdminError("last-admin")
    try:
        return set_role(session, user.username, role, grant)
    except CohortError as exc:
        session.rollback()
        raise AdminError(str(exc)) from None


# --------------------------------------------------------------------------- database


def database_info(url: URL) -> DatabaseInfo:
    """What can be shown of the database at ``url``: backend, name, host, never the password."""
    return DatabaseInfo(
        backend=url.get_backend_name(),
        url=url.render_as_string(hide_password=True),
        name=url.database or "",
        host=url.host or "",
        port=url.port,
        username=url.username or "",
    )


def backup_sqlite(engine: Engine) -> t.BinaryIO:
    """A consistent copy of the SQLite database, made with SQLite's online backup API while
    the app keeps serving, as an open file positioned at its start. The copy is a single
    self-contained file (rollback journal, not WAL). It was written to a temporary file
    whose name is already removed: the space is freed when the caller closes the file.

    :raises ValueError: the engine is not SQLite.
    """
    if engine.dialect.name != "sqlite":
        raise ValueError("not sqlite")
    fd, name = tempfile.mkstemp(prefix="trainer-backup-", suffix=".sqlite")
    os.close(fd)
    path = Path(name)
    try:
        source = engine.raw_connection()
        try:
            target = sqlite3.connect(path)
            try:
                source.driver_connection.backup(target)  # type: ignore[union-attr]
                target.execute("PRAGMA journal_mode=DELETE")
            finally:
                target.close()
        finally:
            source.close()
        return path.open("rb")
    finally:
        path.unlink(missing_ok=True)
