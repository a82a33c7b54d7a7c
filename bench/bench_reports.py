"""Benchmark: the trainer's progress matrix and story analytics for a large cohort.

Run ``.venv/bin/python bench/bench_reports.py [--learners 300] [--assignments 10]
[--database URL] [--repeat 5]`` from the repository root. In one run it

1. builds, in a temporary folder, a stories folder (the real catalogues, the real
   ``building-site`` story and starter-story copies ``bench-02`` … so there is one module
   per assignment) and a fresh database (SQLite in the folder, or the PostgreSQL URL given
   with ``--database``; its ``public`` schema is not touched: a schema of its own is
   created and dropped);
2. fills it with one trainer, one cohort of N learners and K assignments (dates in the
   past and future, one practice assignment, best/first/last rules), and for every learner
   and assignment 0 to 3 attempts **played by the real story runtime** with random choices
   and case notes, so steps, states and stored debrief findings are what the app would
   have written (about 90 % of pairs started, most attempts finished);
3. signs in as the trainer through the real form and times GET of the progress matrix and
   of the story analytics (the ``building-site`` version, the largest graph) with the
   Flask test client: the whole request (routing, SQL, templates), best and median of
   ``--repeat`` runs after one warm-up, with the number of SQL statements each page ran.

Target (issue 4): each page under 0.5 s for 300 learners × 10 assignments.
``tests/web/test_trainer_perf.py`` asserts the same with :func:`populate`.
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
import typing as t
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import event, insert  # noqa: E402
from sqlmodel import Session  # noqa: E402

from trainer.models import (  # noqa: E402
    Assignment,
    Attempt,
    AttemptFinding,
    Cohort,
    CohortMember,
    CohortTrainer,
    Step,
    User,
)
from trainer.services.accounts import hash_password  # noqa: E402
from trainer.services.library import store_version  # noqa: E402
from trainer.starter import write_starter  # noqa: E402
from trainer.story.debrief import make_debrief  # noqa: E402
from trainer.story.runtime import available_choices, choose, note, start  # noqa: E402

TRAINER = ("bench-trainer", "bench-password-1")
TARGET_SECONDS = 0.5
BIG = "building-site"  # the largest story graph
MAX_STEPS = 60


def make_stories(folder: Path, count: int) -> list[str]:
    """Write ``count`` modules into ``folder`` (catalogues must already be there)."""
    folder.mkdir(parents=True, exist_ok=True)
    if not (folder / "catalogue").exists():
        shutil.copytree(ROOT / "stories" / "catalogue", folder / "catalogue")
    ids = ["building-site"]
    shutil.copy(ROOT / "stories" / "building-site.md", folder / "building-site.md")
    for i in range(2, count + 1):
        story_id = f"bench-{i:02d}"
        if not (folder / f"{story_id}.md").exists():
            write_starter(story_id, folder)
        ids.append(story_id)
    return ids[:count]


@dataclass
class Populated:
    """What :func:`populate` made."""

    cohort_id: int
    trainer: tuple[str, str]
    learners: int
    assignments: int
    attempts: int
    steps: int
    findings: int
    versions: dict[str, int]  # story id -> story version id


def _play(
    story: t.Any, role: str, catalogue: t.Any, rng: random.Random, finish: bool
) -> tuple[t.Any, list[tuple[t.Any, list[str]]]]:
    """Random play: returns the final state and (choice, notes) per step."""
    state = start(story, role)
    taken: list[tuple[t.Any, list[str]]] = []
    limit = MAX_STEPS if finish else rng.randint(1, 6)
    while not state.finished and len(taken) < limit:
        passage = story.passages[state.passage]
        for cue in passage.cues:
            for ind in cue.indicators:
                if rng.random() < 0.45:
                    state = note(state, ind, catalogue)
        if rng.random() < 0.02:
            state = note(state, rng.choice(list(catalogue.indicators)), catalogue)
        options = available_choices(story, state)
        if not options:
            break
        choice = rng.choice(options)
        notes = list(state.notes)
        state = choose(story, state, choice.key)
        taken.append((story.choice(choice.key), notes))
    return state, taken


def populate(
    app: t.Any,
    learners: int = 300,
    assignments: int = 10,
    seed: int = 4,
    now: datetime | None = None,
) -> Populated:
    """Fill the app's database with a trainer, a cohort and its learners' attempts."""
    from trainer.db import get_session

    rng = random.Random(seed)
    now = now or datetime.now(UTC)
    library = app.extensions["trainer.library"]
    story_ids = make_stories(Path(app.config["STORIES_DIR"]), assignments)
    catalogue = library.catalogue()
    stories = {sid: library.story(sid).original for sid in story_ids}
    with app.app_context():
        session: Session = get_session()
        password = hash_password(TRAINER[1])
        trainer = User(
            username=TRAINER[0],
            display_name="Bench Trainer",
            password_hash=password,
            roles="learner trainer",
        )
        session.add(trainer)
        session.flush()
        cohort = Cohort(name="Bench cohort", owner_id=trainer.id, join_code="BENCH" + str(seed))
        session.add(cohort)
        session.flush()
        session.add(CohortTrainer(cohort_id=cohort.id, user_id=trainer.id))
        versions = {sid: store_version(session, story).id for sid, story in stories.items()}
        joined = now - timedelta(days=30)
        learner_hash = hash_password("learner-password-1")
        user_ids = list(
            session.exec(
                insert(User).returning(User.id, sort_by_parameter_order=True),
                params=[
                    {
                        "username": f"learner{n:04d}",
                        "display_name": f"Learner {n:04d}",
                        "password_hash": learner_hash,
                        "roles": "learner",
                        "locale": "",
                        "created_at": joined,
                    }
                    for n in range(learners)
                ],
            ).scalars()
        )
        session.exec(
            insert(CohortMember),
            params=[
                {"cohort_id": cohort.id, "user_id": uid, "joined_at": joined} for uid in user_ids
            ],
        )
        rules = ["best", "last", "first"]
        for i, sid in enumerate(story_ids):
            session.add(
                Assignment(
                    cohort_id=cohort.id,
                    story_id=sid,
                    open_at=now - timedelta(days=28),
                    due_at=now + timedelta(days=(i - 3) * 3),  # a few already past due
                    pass_mark=stories[sid].meta.pass_mark,
                    graded=i != 4,
                    counts=rules[i % 3],
                    created_at=joined,
                )
            )
        session.commit()

        attempt_rows: list[dict[str, t.Any]] = []
        plays: list[list[tuple[t.Any, list[str], datetime]]] = []
        debriefs: list[t.Any] = []
        for uid in user_ids:
            for sid in story_ids:
                story = stories[sid]
                n = rng.choices([0, 1, 2, 3], weights=[10, 50, 28, 12])[0]
                at = now - timedelta(days=rng.uniform(1, 27))
                for k in range(n):
                    finish = k < n - 1 or rng.random() < 0.8
                    role = rng.choice(story.meta.roles)
                    state, taken = _play(story, role, catalogue, rng, finish)
                    started = at
                    stamps = []
                    for _step in taken:
                        gap = rng.uniform(15, 200) if rng.random() > 0.03 else 3600 * 5
                        at = at + timedelta(seconds=gap)
                        stamps.append(at)
                    debrief = make_debrief(story, state, catalogue) if state.finished else None
                    attempt_rows.append(
                        {
                            "user_id": uid,
                            "story_version_id": versions[sid],
                            "story_id": sid,
                            "language": story.meta.language,
                            "role": role,
                            "passage": state.passage,
                            "step": len(taken),
                            "status": "completed" if state.finished else "in-progress",
                            "state": state.to_dict(),
                            "score": debrief.score if debrief else None,
                            "passed": debrief.passed if debrief else None,
                            "outcome": debrief.outcome if debrief else None,
                            "started_at": started,
                            "updated_at": at,
                            "finished_at": at if debrief else None,
                        }
                    )
                    plays.append(
                        [(c, notes, s) for (c, notes), s in zip(taken, stamps, strict=True)]
                    )
                    debriefs.append(debrief)
                    at = at + timedelta(hours=rng.uniform(1, 30))
        ids = list(
            session.exec(
                insert(Attempt).returning(Attempt.id, sort_by_parameter_order=True),
                params=attempt_rows,
            ).scalars()
        )
        step_rows: list[dict[str, t.Any]] = []
        finding_rows: list[dict[str, t.Any]] = []
        for attempt_id, played, debrief in zip(ids, plays, debriefs, strict=True):
            for number, (choice, notes, stamp) in enumerate(played, start=1):
                step_rows.append(
                    {
                        "attempt_id": attempt_id,
                        "number": number,
                        "passage": choice.passage,
                        "choice_key": choice.key,
                        "choice_label": choice.label,
                        "target": choice.target,
                        "notes": notes,
                        "created_at": stamp,
                    }
                )
            if debrief is not None:
                rows = [("indicator", r.indicator, r.status) for r in debrief.indicators]
                rows += [("practice", p.practice, p.kind) for p in debrief.practices]
                rows += [("referral", r, "correct") for r in debrief.referrals_correct]
                rows += [("referral", r, "missing") for r in debrief.referrals_missing]
                rows += [("referral", r, "extra") for r in debrief.referrals_extra]
                finding_rows += [
                    {"attempt_id": attempt_id, "kind": k, "item": i, "status": s}
                    for k, i, s in rows
                ]
        for chunk in range(0, len(step_rows), 5000):
            session.exec(insert(Step), params=step_rows[chunk : chunk + 5000])
        for chunk in range(0, len(finding_rows), 5000):
            session.exec(insert(AttemptFinding), params=finding_rows[chunk : chunk + 5000])
        session.commit()
        assert cohort.id is not None
        return Populated(
            cohort.id,
            TRAINER,
            learners,
            len(story_ids),
            len(ids),
            len(step_rows),
            len(finding_rows),
            {sid: int(v) for sid, v in versions.items() if v is not None},
        )


def sign_in(client: t.Any, username: str, password: str) -> None:
    """Sign in through the real form (CSRF token parsed from the page)."""
    page = client.get("/auth/login").text
    token = re.search(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"', page)
    assert token, "no CSRF token on the sign-in page"
    response = client.post(
        "/auth/login",
        data={"csrf_token": token.group(1), "username": username, "password": password},
    )
    assert response.status_code == 302, response.status_code


@dataclass
class Timing:
    """Wall-clock seconds of one page over several runs, and its SQL statement count."""

    url: str
    runs: list[float]
    statements: int
    size: int

    @property
    def best(self) -> float:
        return min(self.runs)

    @property
    def median(self) -> float:
        return statistics.median(self.runs)


def time_page(app: t.Any, client: t.Any, url: str, repeat: int = 5) -> Timing:
    """GET ``url`` once to warm up, then ``repeat`` times; count the SQL statements."""
    engine = app.extensions["trainer.engine"]
    seen: list[str] = []

    def count(*_args: t.Any) -> None:
        seen.append("x")

    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    event.listen(engine, "before_cursor_execute", count)
    try:
        runs = []
        for _i in range(repeat):
            seen.clear()
            began = time.perf_counter()
            response = client.get(url)
            runs.append(time.perf_counter() - began)
            assert response.status_code == 200
        statements = len(seen)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return Timing(url, runs, statements, len(response.data))


def measure(app: t.Any, made: Populated, repeat: int = 5) -> list[Timing]:
    """Time the matrix and the analytics of the largest story version."""
    client = app.test_client()
    sign_in(client, *made.trainer)
    base = f"/trainer/cohorts/{made.cohort_id}"
    return [
        time_page(app, client, base, repeat),
        time_page(
            app, client, f"{base}/analytics?version={made.versions['building-site']}", repeat
        ),
        time_page(app, client, f"{base}/analytics", repeat),
        time_page(app, client, f"{base}/report", repeat),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--learners", type=int, default=300)
    parser.add_argument("--assignments", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database", default="", help="a PostgreSQL URL (default: SQLite)")
    args = parser.parse_args()

    from sqlalchemy import create_engine, text

    from trainer import create_app

    with tempfile.TemporaryDirectory(prefix="bench-reports-") as tmp:
        folder = Path(tmp)
        stories = folder / "stories"
        shutil.copytree(ROOT / "stories" / "catalogue", stories / "catalogue")
        schema = ""
        if args.database:
            schema = "bench_" + uuid.uuid4().hex[:10]
            admin = create_engine(args.database.replace("postgresql://", "postgresql+psycopg://"))
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            sep = "&" if "?" in args.database else "?"
            url = f"{args.database}{sep}options=-csearch_path%3D{schema}"
        else:
            url = f"sqlite:///{folder / 'bench.sqlite'}"
        try:
            app = create_app(
                {"SECRET_KEY": "bench", "DATABASE_URL": url, "STORIES_DIR": str(stories)}
            )
            began = time.perf_counter()
            made = populate(app, args.learners, args.assignments)
            built = time.perf_counter() - began
            print(
                f"database   {'PostgreSQL' if args.database else 'SQLite'}; "
                f"built in {built:.1f} s: "
                f"{made.learners} learners, {made.assignments} assignments, "
                f"{made.attempts} attempts, {made.steps} steps, {made.findings} findings"
            )
            ok = True
            for timing in measure(app, made, args.repeat):
                verdict = "OK" if timing.best < TARGET_SECONDS else "SLOW"
                ok = ok and timing.best < TARGET_SECONDS
                print(
                    f"{timing.url:<52} best {timing.best * 1000:6.0f} ms  "
                    f"median {timing.median * 1000:6.0f} ms  {timing.statements:2d} SQL  "
                    f"{timing.size / 1024:6.0f} KB  {verdict} (< {TARGET_SECONDS * 1000:.0f} ms)"
                )
            app.extensions["trainer.engine"].dispose()
        finally:
            if schema:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
