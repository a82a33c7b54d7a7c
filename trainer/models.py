"""Database tables (SQLModel). All tables in one module, singular names.

Schema changes go through Alembic (``migrations/``); the app never calls ``create_all``
outside the migration, so SQLite and PostgreSQL always have the same schema.
"""

from __future__ import annotations

import typing as t
from datetime import UTC, datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

ROLES = ("learner", "trainer", "author", "admin")


def utcnow() -> datetime:
    """Timezone-aware now, stored as UTC."""
    return datetime.now(UTC)


def holds_role(roles: str, role: str) -> bool:
    """Does a space-separated role set hold ``role``? (Admins hold every role.)"""
    held = roles.split()
    return role in held or "admin" in held


class User(SQLModel, table=True):
    """A person who signs in. ``roles`` is a space-separated set of ROLES."""

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(index=True, unique=True, max_length=80)
    display_name: str = Field(default="", max_length=120)
    password_hash: str = Field(max_length=255)
    roles: str = Field(default="learner", max_length=100)
    locale: str = Field(default="", max_length=10)
    created_at: datetime = Field(default_factory=utcnow)

    def has_role(self, role: str) -> bool:
        """Does the user hold ``role``? (Admins hold every role.)"""
        return holds_role(self.roles, role)


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins per username, to slow down password guessing."""

    key: str = Field(primary_key=True, max_length=120)
    failures: int = 0
    last_failure_at: datetime = Field(default_factory=utcnow)


class StoryVersion(SQLModel, table=True):
    """The exact source of a story as first played; attempts point here, never to files."""

    __table_args__ = (UniqueConstraint("content_hash", name="uq_storyversion_hash"),)

    id: int | None = Field(default=None, primary_key=True)
    story_id: str = Field(index=True, max_length=100)
    language: str = Field(max_length=10)
    title: str = Field(max_length=300)
    content_hash: str = Field(max_length=64)
    source: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class Attempt(SQLModel, table=True):
    """One learner playing one story version. ``step`` guards against double submission."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    story_version_id: int = Field(foreign_key="storyversion.id", index=True)
    story_id: str = Field(index=True, max_length=100)
    language: str = Field(max_length=10)
    role: str = Field(max_length=50)
    passage: str = Field(default="", max_length=100)  # current passage, for "where learners stop"
    step: int = 0
    status: str = Field(default="in-progress", max_length=20)
    state: dict[str, t.Any] = Field(sa_column=Column(JSON, nullable=False))
    score: int | None = None
    passed: bool | None = None
    outcome: str | None = Field(default=None, max_length=20)
    replay_of: int | None = Field(default=None, foreign_key="attempt.id")
    replay_step: int | None = None
    started_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    finished_at: datetime | None = None


class Step(SQLModel, table=True):
    """One choice made. The unique (attempt, number) pair makes a double apply impossible."""

    __table_args__ = (UniqueConstraint("attempt_id", "number", name="uq_step_attempt_number"),)

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="attempt.id", index=True)
    number: int
    passage: str = Field(max_length=100)
    choice_key: str = Field(max_length=120)
    choice_label: str = Field(sa_column=Column(Text, nullable=False))
    target: str = Field(max_length=100)
    notes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(default_factory=utcnow)


class AttemptFinding(SQLModel, table=True):
    """One line of a finished attempt's debrief, stored so trainers' reports are SQL.

    ``kind`` is ``indicator`` (status noticed / missed / not-uncovered / false-flag),
    ``practice`` (good / poor) or ``referral`` (correct / missing / extra).
    """

    id: int | None = Field(default=None, primary_key=True)
    attempt_id: int = Field(foreign_key="attempt.id", index=True)
    kind: str = Field(max_length=20)
    item: str = Field(max_length=120)
    status: str = Field(max_length=20)


class Cohort(SQLModel, table=True):
    """A group of learners run by one or more trainers; learners join with the code."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=200)
    owner_id: int = Field(foreign_key="user.id", index=True)
    join_code: str = Field(max_length=20, unique=True, index=True)
    created_at: datetime = Field(default_factory=utcnow)


class CohortMember(SQLModel, table=True):
    """A learner in a cohort."""

    __table_args__ = (UniqueConstraint("cohort_id", "user_id", name="uq_member"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    joined_at: datetime = Field(default_factory=utcnow)


class CohortTrainer(SQLModel, table=True):
    """A trainer (owner or co-trainer) of a cohort."""

    __table_args__ = (UniqueConstraint("cohort_id", "user_id", name="uq_cohort_trainer"),)

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True)
    user_id: int = Field(foreign_key="user.id", index=True)


class Assignment(SQLModel, table=True):
    """A module assigned to a cohort, or to one learner of it (``user_id`` set)."""

    id: int | None = Field(default=None, primary_key=True)
    cohort_id: int = Field(foreign_key="cohort.id", index=True)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    story_id: str = Field(max_length=100, index=True)
    open_at: datetime | None = None
    due_at: datetime | None = None
    pass_mark: int = 70
    graded: bool = True
    counts: str = Field(default="best", max_length=10)  # best | last | first
    created_at: datetime = Field(default_factory=utcnow)
