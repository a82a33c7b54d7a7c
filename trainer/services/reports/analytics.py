"""Story analytics for a cohort and story version, and attempt transcripts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    and_,
    case,
    distinct,
    func,
    true,
)
from sqlmodel import Session, col, select

from trainer.models import (
    Attempt,
    AttemptFinding,
    Cohort,
    CohortMember,
    Step,
    StoryVersion,
)
from trainer.services.cohorts import assigned_to, member_join
from trainer.services.progress import NotFound, Played
from trainer.services.reports._sql import STALLED_AFTER, _count_if
from trainer.services.reports.matrix import _utc
from trainer.story.model import Story


def _scoped(cohort_id: int, *, version_id: int | None = None, story_id: str | None = None):  # type: ignore[no-untyped-def]
    """Subquery of the cohort's attempts (replays left out), optionally of one version/story."""
    conditions = [assigned_to(cohort_id), col(Attempt.replay_of).is_(None)]
    if version_id is not None:
        conditions.append(col(Attempt.story_version_id) == version_id)
    if story_id is not None:
        conditions.append(col(Attempt.story_id) == story_id)
    return (
        select(
            col(Attempt.id).label("id"),
            col(Attempt.user_id).label("user_id"),
            col(Attempt.story_id).label("story_id"),
            col(Attempt.story_version_id).label("version_id"),
            col(Attempt.status).label("status"),
            col(Attempt.passage).label("passage"),
            col(Attempt.score).label("score"),
            col(Attempt.passed).label("passed"),
            col(Attempt.outcome).label("outcome"),
            col(Attempt.updated_at).label("updated_at"),
        )
        .join(CohortMember, member_join(cohort_id))
        .where(*conditions)
        .subquery("scoped")
    )


@dataclass(frozen=True)
class VersionChoice:
    """A story version the cohort played, for the analytics picker."""

    id: int
    story_id: str
    language: str
    title: str
    content_hash: str
    created_at: datetime
    attempts: int


def played_versions(session: Session, cohort: Cohort) -> list[VersionChoice]:
    """The story versions with attempts in the cohort scope, most played first per story."""
    assert cohort.id is not None
    scoped = _scoped(cohort.id)
    rows = session.exec(
        select(
            StoryVersion.id,
            StoryVersion.story_id,
            StoryVersion.language,
            StoryVersion.title,
            StoryVersion.content_hash,
            StoryVersion.created_at,
            func.count(scoped.c.id).label("n"),
        )
        .join(scoped, scoped.c.version_id == StoryVersion.id)
        .group_by(
            col(StoryVersion.id),
            col(StoryVersion.story_id),
            col(StoryVersion.language),
            col(StoryVersion.title),
            col(StoryVersion.content_hash),
            col(StoryVersion.created_at),
        )
        .order_by(col(StoryVersion.story_id), func.count(scoped.c.id).desc())
    ).all()
    return [VersionChoice(r[0], r[1], r[2], r[3], r[4], _utc(r[5]), int(r[6])) for r in rows]  # type: ignore[arg-type]


@dataclass(frozen=True)
class Rate:
    """A count out of a total, with the share for a heat map."""

    n: int
    total: int

    @property
    def share(self) -> float:
        """n / total (0 when there is nothing to count)."""
        return self.n / self.total if self.total else 0.0

    @property
    def percent(self) -> int:
        """The share in whole percent."""
        return round(100 * self.share)

    @property
    def heat(self) -> int:
        """0 to 5, for the heat-map colour classes."""
        return min(5, round(5 * self.share + 0.49)) if self.n else 0


@dataclass
class Analytics:
    """What a cohort did with one story version."""

    version: StoryVersion
    attempts: int = 0
    learners: int = 0
    completed: int = 0
    in_progress: int = 0
    passed: int = 0
    mean_score: float | None = None
    choices: dict[str, int] = field(default_factory=dict)
    stops: list[tuple[str, int, int]] = field(default_factory=list)  # passage, open, stalled
    endings: list[tuple[str, str, int]] = field(default_factory=list)  # passage, outcome, n
    indicators: dict[str, dict[str, int]] = field(default_factory=dict)
    practices: dict[str, dict[str, int]] = field(default_factory=dict)
    referrals: dict[str, dict[str, int]] = field(default_factory=dict)


def analytics(session: Session, cohort: Cohort, version_id: int, now: datetime) -> Analytics:
    """Choice counts, stopping points, indicator rates, practices, referrals: five queries."""
    assert cohort.id is not None
    version = session.get(StoryVersion, version_id)
    if version is None:
        raise NotFound(version_id)
    scoped = _scoped(cohort.id, version_id=version_id)
    completed = scoped.c.status == "completed"
    head = session.exec(
        select(
            func.count(scoped.c.id),
            func.count(distinct(scoped.c.user_id)),
            _count_if(completed),
            _count_if(scoped.c.status == "in-progress"),
            _count_if(and_(completed, scoped.c.passed == true())),
            func.avg(case((completed, scoped.c.score), else_=None)),
        )
    ).one()
    if not head[0]:
        raise NotFound(version_id)  # nothing of this cohort's played on this version
    result = Analytics(
        version,
        attempts=int(head[0]),
        learners=int(head[1]),
        completed=int(head[2] or 0),
        in_progress=int(head[3] or 0),
        passed=int(head[4] or 0),
        mean_score=float(head[5]) if head[5] is not None else None,
    )
    for key, n in session.exec(
        select(Step.choice_key, func.count())
        .join(scoped, scoped.c.id == Step.attempt_id)
        .group_by(col(Step.choice_key))
    ).all():
        result.choices[key] = int(n)
    stalled = scoped.c.updated_at < now - STALLED_AFTER
    for passage, status, outcome, n, idle in session.exec(
        select(
            scoped.c.passage,
            scoped.c.status,
            scoped.c.outcome,
            func.count(),
            _count_if(stalled),
        )
        .group_by(scoped.c.passage, scoped.c.status, scoped.c.outcome)
        .order_by(func.count().desc(), scoped.c.passage)
    ).all():
        if status == "completed":
            result.endings.append((passage, outcome or "", int(n)))
        else:
            result.stops.append((passage, int(n), int(idle or 0)))
    for kind, item, status, n in session.exec(
        select(AttemptFinding.kind, AttemptFinding.item, AttemptFinding.status, func.count())
        .join(scoped, scoped.c.id == AttemptFinding.attempt_id)
        .where(completed)
        .group_by(col(AttemptFinding.kind), col(AttemptFinding.item), col(AttemptFinding.status))
    ).all():
        table = {
            "indicator": result.indicators,
            "practice": result.practices,
            "referral": result.referrals,
        }.get(kind)
        if table is not None:
            table.setdefault(item, {})[status] = int(n)
    return result


@dataclass(frozen=True)
class ChoiceLine:
    """A choice with how often the cohort took it, and its share within its passage."""

    passage: str
    passage_title: str
    key: str
    label: str
    n: int
    share: Rate


@dataclass(frozen=True)
class IndicatorLine:
    """One indicator's fate across the completed attempts of a version."""

    id: str
    in_case: bool
    noticed: Rate
    missed: Rate
    not_uncovered: Rate
    false_flag: int


@dataclass(frozen=True)
class ReferralLine:
    """A referral: needed by the case or not, how often made, how often missing."""

    id: str
    ideal: bool
    made: Rate
    missing: Rate


@dataclass(frozen=True)
class AnalyticsTables:
    """The analytics' query results arranged against the story, ready for the page."""

    choices: list[ChoiceLine]
    indicators: list[IndicatorLine]
    practices: list[tuple[str, int, int]]  # id, broken, followed
    referrals: list[ReferralLine]
    stops: list[tuple[str, str, int, int]]  # passage, title, in progress, stalled
    endings: list[tuple[str, str, str, Rate]]  # passage, title, outcome, share


def analytics_tables(result: Analytics, story: Story) -> AnalyticsTables:
    """Arrange :func:`analytics` figures in the story's order (no counting happens here)."""
    done = result.completed

    def title(pid: str) -> str:
        passage = story.passages.get(pid)
        return passage.title if passage else pid

    choices = []
    for passage in story.passages.values():
        total = sum(result.choices.get(c.key, 0) for c in passage.choices)
        for c in passage.choices:
            n = result.choices.get(c.key, 0)
            choices.append(ChoiceLine(passage.id, passage.title, c.key, c.label, n, Rate(n, total)))
    case_ids = list(dict.fromkeys(story.meta.indicators))
    others = sorted(i for i in result.indicators if i not in case_ids)
    indicators = []
    for ind in [*case_ids, *others]:
        got = result.indicators.get(ind, {})
        indicators.append(
            IndicatorLine(
                ind,
                ind in case_ids,
                Rate(got.get("noticed", 0), done),
                Rate(got.get("missed", 0), done),
                Rate(got.get("not-uncovered", 0), done),
                got.get("false-flag", 0),
            )
        )
    practices = sorted(
        ((p, got.get("poor", 0), got.get("good", 0)) for p, got in result.practices.items()),
        key=lambda x: (-x[1], -x[2], x[0]),
    )
    ideal = list(story.meta.ideal_referrals)
    referrals = []
    for ref in [*ideal, *sorted(r for r in result.referrals if r not in ideal)]:
        got = result.referrals.get(ref, {})
        made = got.get("correct", 0) + got.get("extra", 0)
        referrals.append(
            ReferralLine(ref, ref in ideal, Rate(made, done), Rate(got.get("missing", 0), done))
        )
    stops = [(pid, title(pid), n, idle) for pid, n, idle in result.stops]
    endings = [(pid, title(pid), outcome, Rate(n, done)) for pid, outcome, n in result.endings]
    return AnalyticsTables(choices, indicators, practices, referrals, stops, endings)


@dataclass(frozen=True)
class TranscriptLine:
    """One step of an attempt as the trainer reads it (the last line: where it ended)."""

    number: int  # the step's number; 0 for the final passage
    path_index: int  # position in the attempt's path (the debrief links cues to it)
    passage: str
    title: str
    choice_label: str
    target_title: str
    feedback: str
    practices: tuple[tuple[str, str], ...]  # (good|poor, practice id)
    probes: tuple[str, ...]
    at: datetime | None
    seconds: float | None
    notes: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]


def transcript(played: Played, steps: list[Step]) -> list[TranscriptLine]:
    """The steps of one attempt with the story's feedback, timing and note changes."""
    story, attempt = played.story, played.attempt

    def title(pid: str) -> str:
        passage = story.passages.get(pid)
        return passage.title if passage else pid

    lines = []
    before: tuple[str, ...] = ()
    last = _utc(attempt.started_at)
    for s in steps:
        choice = story.choice(s.choice_key)
        at = _utc(s.created_at)
        notes = tuple(s.notes or ())
        lines.append(
            TranscriptLine(
                number=s.number,
                path_index=s.number - 1,
                passage=s.passage,
                title=title(s.passage),
                choice_label=s.choice_label,
                target_title=title(s.target),
                feedback=choice.feedback if choice else "",
                practices=tuple((p.kind, p.practice) for p in choice.practices) if choice else (),
                probes=tuple(choice.probes) if choice else (),
                at=at,
                seconds=(at - last).total_seconds() if at and last else None,
                notes=notes,
                added=tuple(n for n in notes if n not in before),
                removed=tuple(n for n in before if n not in notes),
            )
        )
        before, last = notes, at
    final = tuple(played.state.notes)
    end_at = _utc(attempt.finished_at or attempt.updated_at)
    lines.append(
        TranscriptLine(
            number=0,
            path_index=len(steps),
            passage=played.state.passage,
            title=title(played.state.passage),
            choice_label="",
            target_title="",
            feedback="",
            practices=(),
            probes=(),
            at=end_at,
            seconds=None,
            notes=final,
            added=tuple(n for n in final if n not in before),
            removed=tuple(n for n in before if n not in final),
        )
    )
    return lines


# --------------------------------------------------------------------------- after-action
