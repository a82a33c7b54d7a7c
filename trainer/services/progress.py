"""Attempts: start, apply a choice exactly once, save notes, finish, replay, history.

Every step is written before the learner sees the next passage. A choice is applied with
an optimistic check on the attempt's step number (``UPDATE ... WHERE step = :seen``) and a
unique (attempt, number) step row, so a double click, a reload after POST, the back
button or two tabs can never apply a choice twice, on SQLite or PostgreSQL alike.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table, bindparam, insert, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from trainer.models import Attempt, AttemptFinding, Step, StoryVersion, User, utcnow
from trainer.services.library import LibraryStory, store_version, version_story
from trainer.story.catalogue import Catalogue
from trainer.story.debrief import Debrief, make_debrief
from trainer.story.model import Story
from trainer.story.runtime import PlayError, choose, replay, set_notes, start
from trainer.story.state import State


class NotFound(LookupError):
    """The object does not exist or belongs to someone else (never say which)."""


class StaleStep(Exception):
    """The page was rendered for an earlier step; nothing was applied."""


@dataclass
class Played:
    """An attempt with its story version compiled and its state decoded."""

    attempt: Attempt
    story: Story
    state: State


_ATTEMPTS: Table = Attempt.__table__  # type: ignore[attr-defined]
_STEPS: Table = Step.__table__  # type: ignore[attr-defined]
_ATTEMPT = select(_ATTEMPTS).where(
    _ATTEMPTS.c.id == bindparam("id"), _ATTEMPTS.c.user_id == bindparam("user_id")
)


def get_attempt(session: Session, user_id: int, attempt_id: int) -> Attempt:
    """The user's own attempt, or :class:`NotFound`.

    Read with a cached Core statement and built without validation or an identity map:
    every step reads its attempt twice (POST and GET), and nothing here changes the object
    through the ORM (steps are written with ``UPDATE ... WHERE step =``). The result is
    detached: do not ``session.add`` it.
    """
    row = session.connection().execute(_ATTEMPT, {"id": attempt_id, "user_id": user_id}).first()
    if row is None:
        raise NotFound(attempt_id)
    return Attempt.model_construct(**row._mapping)


_STORIES: dict[tuple[str, int], Story] = {}


def load(session: Session, attempt: Attempt, catalogue: Catalogue) -> Played:
    """Decode the attempt's state against its own stored story version.

    Stored versions never change, so their compiled stories are kept per process (keyed
    by database and version id): a step does not reload and re-hash the source.
    """
    key = (str(session.get_bind().url), attempt.story_version_id)
    story = _STORIES.get(key)
    if story is None:
        version = session.get(StoryVersion, attempt.story_version_id)
        if version is None:
            raise NotFound(attempt.id)
        story = version_story(version, catalogue)
        if len(_STORIES) > 512:
            _STORIES.clear()
        _STORIES[key] = story
    return Played(attempt, story, State.from_dict(attempt.state))


def start_attempt(
    session: Session, user: User, entry: LibraryStory, language: str, role: str
) -> Attempt:
    """A new attempt on the current version of the story, in ``language`` and ``role``."""
    story = entry.pick(language)
    state = start(story, role)  # PlayError for a role the story does not offer
    version = store_version(session, story)
    assert user.id is not None and version.id is not None
    attempt = Attempt(
        user_id=user.id,
        story_version_id=version.id,
        story_id=story.id,
        language=story.meta.language,
        role=role,
        passage=state.passage,
        step=0,
        state=state.to_dict(),
    )
    session.add(attempt)
    session.commit()
    session.refresh(attempt)
    return attempt


def _finish_fields(played: Played, state: State, catalogue: Catalogue) -> dict[str, object]:
    if not state.finished:
        return {"status": "in-progress", "passage": state.passage}
    debrief = make_debrief(played.story, state, catalogue)
    return {
        "passage": state.passage,
        "status": "completed",
        "score": debrief.score,
        "passed": debrief.passed,
        "outcome": debrief.outcome,
        "finished_at": utcnow(),
    }


def record_choice(
    session: Session,
    played: Played,
    seen_step: int,
    choice_key: str,
    notes: list[str] | None,
    catalogue: Catalogue,
) -> State:
    """Apply one choice (with the notes on the page) exactly once.

    :raises StaleStep: the page was for another step; nothing changed.
    :raises PlayError: the choice is not available in this state.
    """
    attempt = played.attempt
    if seen_step != attempt.step or attempt.status != "in-progress":
        raise StaleStep()
    state = played.state
    if notes is not None:
        state = set_notes(state, notes, catalogue)
    new_state = choose(played.story, state, choice_key)
    choice = played.story.choice(choice_key)
    assert choice is not None and attempt.id is not None
    values: dict[str, object] = {
        "state": new_state.to_dict(),
        "step": seen_step + 1,
        "updated_at": utcnow(),
        **_finish_fields(played, new_state, catalogue),
    }
    # Plain Core statements on the session's connection: the ORM's bulk-update path
    # (identity-map synchronisation) costs more than the write itself, and nothing in
    # this session holds the attempt as an ORM object.
    connection = session.connection()
    result = connection.execute(
        update(_ATTEMPTS)
        .where(_ATTEMPTS.c.id == attempt.id, _ATTEMPTS.c.step == seen_step)
        .values(**values)
    )
    if result.rowcount != 1:
        session.rollback()
        raise StaleStep()
    if new_state.finished:
        _store_findings(session, attempt.id, make_debrief(played.story, new_state, catalogue))
    connection.execute(
        insert(_STEPS).values(
            attempt_id=attempt.id,
            number=seen_step + 1,
            passage=choice.passage,
            choice_key=choice.key,
            choice_label=choice.label,
            target=choice.target,
            notes=list(state.notes),
            created_at=utcnow(),
        )
    )
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        raise StaleStep() from None
    return new_state


def _store_findings(session: Session, attempt_id: int, debrief: Debrief) -> None:
    """Store the debrief's lines, so trainers' reports can aggregate them in SQL."""
    rows = [("indicator", r.indicator, r.status) for r in debrief.indicators]
    rows += [("practice", p.practice, p.kind) for p in debrief.practices]
    rows += [("referral", r, "correct") for r in debrief.referrals_correct]
    rows += [("referral", r, "missing") for r in debrief.referrals_missing]
    rows += [("referral", r, "extra") for r in debrief.referrals_extra]
    for kind, item, status in rows:
        session.add(AttemptFinding(attempt_id=attempt_id, kind=kind, item=item, status=status))


def save_notes(
    session: Session, played: Played, seen_step: int, notes: list[str], catalogue: Catalogue
) -> State:
    """Replace the case notes, only if the page is for the current step."""
    attempt = played.attempt
    if seen_step != attempt.step or attempt.status != "in-progress":
        raise StaleStep()
    new_state = set_notes(played.state, notes, catalogue)
    result = session.connection().execute(
        update(_ATTEMPTS)
        .where(_ATTEMPTS.c.id == attempt.id, _ATTEMPTS.c.step == seen_step)
        .values(state=new_state.to_dict(), updated_at=utcnow())
    )
    if result.rowcount != 1:
        session.rollback()
        raise StaleStep()
    session.commit()
    return new_state


def replay_from(
    session: Session, user: User, played: Played, step: int, catalogue: Catalogue
) -> Attempt:
    """A new attempt that starts from the state of ``played`` after ``step`` choices."""
    state = replay(played.story, played.state, step)
    old = played.attempt
    assert user.id is not None and old.id is not None
    attempt = Attempt(
        user_id=user.id,
        story_version_id=old.story_version_id,
        story_id=old.story_id,
        language=old.language,
        role=old.role,
        step=step,
        state=state.to_dict(),
        replay_of=old.id,
        replay_step=step,
    )
    for name, value in _finish_fields(played, state, catalogue).items():
        setattr(attempt, name, value)
    if state.finished:
        session.flush()
        assert attempt.id is not None
        _store_findings(session, attempt.id, make_debrief(played.story, state, catalogue))
    session.add(attempt)
    session.flush()
    assert attempt.id is not None
    for row in steps(session, old)[:step]:
        session.add(
            Step(
                attempt_id=attempt.id,
                number=row.number,
                passage=row.passage,
                choice_key=row.choice_key,
                choice_label=row.choice_label,
                target=row.target,
                notes=list(row.notes),
            )
        )
    session.commit()
    session.refresh(attempt)
    return attempt


def steps(session: Session, attempt: Attempt) -> list[Step]:
    """The attempt's steps in order."""
    return list(
        session.exec(
            select(Step).where(Step.attempt_id == attempt.id).order_by(col(Step.number))
        ).all()
    )


def debrief(played: Played, catalogue: Catalogue) -> Debrief:
    """The debrief of an attempt (finished or not)."""
    return make_debrief(played.story, played.state, catalogue)


def history(session: Session, user: User) -> list[Attempt]:
    """All the user's attempts, newest first."""
    return list(
        session.exec(
            select(Attempt)
            .where(Attempt.user_id == user.id)
            .order_by(col(Attempt.started_at).desc(), col(Attempt.id).desc())
        ).all()
    )


def version_titles(session: Session, attempts: list[Attempt]) -> dict[int, str]:
    """Story version id → the title in the language the attempt was played in."""
    ids = {a.story_version_id for a in attempts}
    if not ids:
        return {}
    rows = session.exec(
        select(StoryVersion.id, StoryVersion.title).where(col(StoryVersion.id).in_(ids))
    ).all()
    return {int(i): str(t) for i, t in rows}


def previous_completed(session: Session, attempt: Attempt) -> Attempt | None:
    """The same learner's last completed attempt at the same story before this one."""
    return session.exec(
        select(Attempt)
        .where(
            Attempt.user_id == attempt.user_id,
            Attempt.story_id == attempt.story_id,
            Attempt.status == "completed",
            col(Attempt.id) < (attempt.id or 0),
        )
        .order_by(col(Attempt.id).desc())
    ).first()


def status_by_story(session: Session, user: User) -> dict[str, dict[str, object]]:
    """Per story id: the attempt in progress (if any), completed count and best score."""
    out: dict[str, dict[str, object]] = {}
    for attempt in history(session, user):
        entry = out.setdefault(
            attempt.story_id, {"in_progress": None, "completed": 0, "best": None}
        )
        if attempt.status == "in-progress" and entry["in_progress"] is None:
            entry["in_progress"] = attempt
        elif attempt.status == "completed":
            entry["completed"] = int(str(entry["completed"])) + 1
            best = entry["best"]
            if attempt.score is not None and (best is None or attempt.score > int(str(best))):
                entry["best"] = attempt.score
    return out


__all__ = [
    "NotFound",
    "PlayError",
    "Played",
    "StaleStep",
    "debrief",
    "get_attempt",
    "history",
    "load",
    "previous_completed",
    "record_choice",
    "replay_from",
    "save_notes",
    "start_attempt",
    "status_by_story",
    "steps",
]
