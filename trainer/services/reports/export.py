"""CSV export at three grains; spreadsheet-safe (BOM, formula injection neutralised)."""

from __future__ import annotations

import csv
import io
import typing as t
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import (
    func,
)
from sqlmodel import Session, col, select

from trainer.models import (
    Attempt,
    AttemptFinding,
    Cohort,
    CohortMember,
    Step,
    StoryVersion,
    User,
)
from trainer.services.cohorts import assigned_to, member_join
from trainer.services.progress import NotFound
from trainer.services.reports._sql import SecondsBetween, _attempt_time
from trainer.services.reports.matrix import _utc
from trainer.story.catalogue import Catalogue

GRAINS = ("attempts", "steps", "indicators")
_DANGEROUS = ("=", "+", "-", "@", "\t", "\r", "\n")


def csv_cell(value: object) -> object:
    """A value safe to open in a spreadsheet: text that a spreadsheet would read as a
    formula (``=``, ``+``, ``-``, ``@``, tab, return) gets a leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        value = _utc(value)
        assert value is not None
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float):
        return round(value, 1)
    if isinstance(value, str) and value.startswith(_DANGEROUS):
        return "'" + value
    return value


def _all_scoped(cohort_id: int):  # type: ignore[no-untyped-def]
    """Every attempt in the cohort scope, replays included (they are marked)."""
    return (
        select(col(Attempt.id).label("id"))
        .join(CohortMember, member_join(cohort_id))
        .where(assigned_to(cohort_id))
        .subquery("export_scope")
    )


def export_rows(
    session: Session, cohort: Cohort, grain: str, catalogue: Catalogue
) -> Iterator[list[object]]:
    """The rows of one CSV grain, header first, streamed from the database."""
    assert cohort.id is not None
    scope = _all_scoped(cohort.id)
    if grain == "attempts":
        n_steps = (
            select(Step.attempt_id, func.count().label("n"))
            .join(scope, scope.c.id == Step.attempt_id)
            .group_by(col(Step.attempt_id))
            .subquery("n_steps")
        )
        yield [
            "attempt_id", "username", "display_name", "story_id", "story_version_id",
            "content_hash", "language", "role", "status", "replay_of", "started_at",
            "last_activity", "finished_at", "steps", "time_spent_seconds", "score",
            "passed_story_mark", "outcome", "current_passage",
        ]  # fmt: skip
        stmt = (
            select(
                Attempt.id,
                User.username,
                User.display_name,
                Attempt.story_id,
                Attempt.story_version_id,
                StoryVersion.content_hash,
                Attempt.language,
                Attempt.role,
                Attempt.status,
                Attempt.replay_of,
                Attempt.started_at,
                Attempt.updated_at,
                Attempt.finished_at,
                func.coalesce(n_steps.c.n, 0),
                func.coalesce(_attempt_time(), 0),
                Attempt.score,
                Attempt.passed,
                Attempt.outcome,
                Attempt.passage,
            )
            .join(scope, scope.c.id == Attempt.id)
            .join(User, col(User.id) == Attempt.user_id)
            .join(StoryVersion, col(StoryVersion.id) == Attempt.story_version_id)
            .outerjoin(n_steps, n_steps.c.attempt_id == Attempt.id)
            .order_by(col(User.username), col(Attempt.id))
        )
        for row in session.exec(stmt.execution_options(yield_per=500)):
            yield list(row)
    elif grain == "steps":
        yield [
            "attempt_id", "username", "story_id", "language", "role", "step", "passage",
            "choice_key", "choice_label", "target", "chosen_at", "seconds_since_previous",
            "notes",
        ]  # fmt: skip
        prev = func.lag(Step.created_at).over(partition_by=Step.attempt_id, order_by=Step.number)
        stmt = (
            select(
                Step.attempt_id,
                User.username,
                Attempt.story_id,
                Attempt.language,
                Attempt.role,
                Step.number,
                Step.passage,
                Step.choice_key,
                Step.choice_label,
                Step.target,
                Step.created_at,
                SecondsBetween(func.coalesce(prev, Attempt.started_at), Step.created_at),
                Step.notes,
            )
            .join(scope, scope.c.id == Step.attempt_id)
            .join(Attempt, col(Attempt.id) == Step.attempt_id)
            .join(User, col(User.id) == Attempt.user_id)
            .order_by(col(User.username), col(Step.attempt_id), col(Step.number))
        )
        for row in session.exec(stmt.execution_options(yield_per=1000)):
            *head, notes = list(row)
            yield [*head, " ".join(notes or [])]
    elif grain == "indicators":
        yield [
            "attempt_id", "username", "story_id", "indicator", "status", "label",
            "dimension", "strength",
        ]  # fmt: skip
        stmt = (
            select(
                AttemptFinding.attempt_id,
                User.username,
                Attempt.story_id,
                AttemptFinding.item,
                AttemptFinding.status,
            )
            .join(scope, scope.c.id == AttemptFinding.attempt_id)
            .join(Attempt, col(Attempt.id) == AttemptFinding.attempt_id)
            .join(User, col(User.id) == Attempt.user_id)
            .where(AttemptFinding.kind == "indicator")
            .order_by(col(User.username), col(AttemptFinding.attempt_id), col(AttemptFinding.id))
        )
        for attempt_id, username, story_id, item, status in session.exec(
            stmt.execution_options(yield_per=1000)
        ):
            ind = catalogue.indicators.get(item)
            yield [
                attempt_id,
                username,
                story_id,
                item,
                status,
                ind.label if ind else "",
                (ind.dimension or "") if ind else "",
                ind.strength if ind else "",
            ]
    else:
        raise NotFound(grain)


def csv_stream(rows: t.Iterable[list[object]]) -> Iterator[str]:
    """CSV text in chunks: UTF-8 byte-order mark first (spreadsheets then read UTF-8),
    CRLF line ends, every cell neutralised by :func:`csv_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    yield "\ufeff"
    for i, row in enumerate(rows, start=1):
        writer.writerow([csv_cell(v) for v in row])
        if i % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
