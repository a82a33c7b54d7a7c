"""Profile one choice step (POST choose + GET passage) in-process, with cProfile.

Run ``.venv/bin/python bench/profile_step.py [--steps N] [--top K]`` from the repository root.
It builds the same app as ``bench_web.py`` (bench story, fresh SQLite database), signs a
learner in through the real forms with the Flask test client, plays ``--steps`` steps of the
looping story under cProfile and prints where the time goes: the functions with the most
cumulative time, then the most own time, then a coarse split by area (SQL, templates,
session/cookies, story runtime, ...). No network is involved, so this is the server's share.

``--wall`` runs without cProfile instead and times a fixed list of the functions a step goes
through (wall clock, nested timings overlap), so the milliseconds are real.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import pstats
import sys
import tempfile
import time
import typing as t
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_web import PASSWORD, RE_CHOICE, RE_CSRF, RE_NOTE, RE_STEP, STORY_ID, make_stories  # noqa: E402

AREAS = (  # first match wins, on the file path of each function with own time
    ("sqlalchemy/sqlmodel", ("sqlalchemy", "sqlmodel")),
    ("sqlite3 driver", ("sqlite3",)),
    ("jinja2 templates", ("jinja2", "templates/")),
    ("flask-wtf/wtforms/csrf", ("flask_wtf", "wtforms", "itsdangerous")),
    ("flask-login", ("flask_login",)),
    ("flask-babel/babel", ("flask_babel", "babel")),
    ("werkzeug", ("werkzeug",)),
    ("flask", ("flask/",)),
    ("trainer.story", ("trainer/story",)),
    ("trainer web/services", ("trainer/",)),
    ("json", ("json",)),
)


# (module, attribute path, label) of the functions ``--wall`` times; a missing one is skipped.
TIMED = (
    ("trainer.web.auth", "login_manager._user_callback", "user loader (User row by id)"),
    ("trainer.services.progress", "get_attempt", "progress.get_attempt (Attempt row)"),
    ("trainer.services.progress", "load", "progress.load (StoryVersion row, story, state)"),
    ("trainer.services.progress", "record_choice", "progress.record_choice (whole write)"),
    ("trainer.services.library", "Library.catalogue", "Library.catalogue (glob + stat)"),
    ("trainer.web.learner", "render_template", "render_template (play.html)"),
    ("trainer.web.learner", "_note_groups", "learner._note_groups"),
    ("flask_wtf.csrf", "CSRFProtect.protect", "CSRF check"),
    ("flask.sessions", "SecureCookieSessionInterface.open_session", "session cookie: open"),
    ("flask.sessions", "SecureCookieSessionInterface.save_session", "session cookie: save"),
    ("sqlmodel", "Session.get", "  Session.get (all)"),
    ("sqlmodel", "Session.exec", "  Session.exec (all)"),
    ("sqlmodel", "Session.commit", "  Session.commit (flush + COMMIT)"),
    ("sqlmodel", "Session.refresh", "  Session.refresh"),
    ("sqlmodel", "Session.close", "  Session.close (teardown)"),
)


def install_timers() -> tuple[dict[str, float], list[bool]]:
    """Wrap the functions of :data:`TIMED`; timings accumulate while ``flag[0]`` is true."""
    import importlib

    totals: dict[str, float] = {}
    flag = [False]
    for module_name, path, label in TIMED:
        try:
            owner: t.Any = importlib.import_module(module_name)
            *parents, name = path.split(".")
            for part in parents:
                owner = getattr(owner, part)
            original = getattr(owner, name)
        except (ImportError, AttributeError):
            continue

        def timed(*a: t.Any, _f: t.Any = original, _l: str = label, **k: t.Any) -> t.Any:
            began = time.perf_counter()
            try:
                return _f(*a, **k)
            finally:
                if flag[0]:
                    totals[_l] = totals.get(_l, 0.0) + time.perf_counter() - began

        setattr(owner, name, functools.wraps(original)(timed))
        totals[label] = 0.0
    return totals, flag


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--rollover", type=int, default=30, help="new attempt every N steps")
    parser.add_argument("--dump", type=Path, help="also write the raw pstats to this file")
    parser.add_argument("--wall", action="store_true", help="time named functions, no cProfile")
    args = parser.parse_args()

    from trainer import create_app

    timers, timing = install_timers() if args.wall else ({}, [False])

    with tempfile.TemporaryDirectory(prefix="trainer-profile-") as tmp:
        folder = Path(tmp)
        stories = make_stories(folder)
        app = create_app(
            {
                "SECRET_KEY": "bench",
                "DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite'}",
                "STORIES_DIR": str(stories),
            }
        )
        client = app.test_client()
        page = client.get("/auth/register").text
        client.post(
            "/auth/register",
            data={
                "csrf_token": RE_CSRF.search(page).group(1),  # type: ignore[union-attr]
                "username": "profiler",
                "password": PASSWORD,
                "confirm": PASSWORD,
            },
        )

        def new_attempt() -> tuple[int, str]:
            module = client.get(f"/modules/{STORY_ID}").text
            resp = client.post(
                f"/modules/{STORY_ID}/start",
                data={"csrf_token": RE_CSRF.search(module).group(1), "role": "labour-inspector"},  # type: ignore[union-attr]
            )
            attempt = int(resp.headers["Location"].rstrip("/").split("/")[-1])
            return attempt, client.get(f"/attempts/{attempt}").text

        def step(attempt: int, html: str) -> tuple[str, tuple[float, float]]:
            data = {
                "csrf_token": RE_CSRF.search(html).group(1),  # type: ignore[union-attr]
                "step": RE_STEP.search(html).group(1),  # type: ignore[union-attr]
                "choice": RE_CHOICE.search(html).group(1),  # type: ignore[union-attr]
                "notes-shown": "1",
                "notes": [n for n in RE_NOTE.findall(html) if n.endswith("excessive-hours")],
            }
            t0 = time.perf_counter()
            resp = client.post(f"/attempts/{attempt}/choose", data=data)
            t1 = time.perf_counter()
            assert resp.status_code == 302 and resp.headers["Location"].endswith("#passage")
            nxt = client.get(f"/attempts/{attempt}")
            t2 = time.perf_counter()
            assert nxt.status_code == 200
            return nxt.text, (t1 - t0, t2 - t1)

        attempt, html = new_attempt()
        for _ in range(20):  # warm caches (compiled story, templates, rendered prose)
            html, _ = step(attempt, html)
        attempt, html = new_attempt()

        profiler = cProfile.Profile()
        post = get = 0.0
        for n in range(args.steps):
            if n and args.rollover and n % args.rollover == 0:
                attempt, html = new_attempt()
            if args.wall:
                timing[0] = True
                html, (p, g) = step(attempt, html)
                timing[0] = False
                post, get = post + p, get + g
            else:
                profiler.enable()
                html, (p, g) = step(attempt, html)
                profiler.disable()
                post, get = post + p, get + g
        elapsed = post + get  # the steps only, not the new attempts
        app.extensions["trainer.engine"].dispose()

    if args.wall:
        n = args.steps
        print(
            f"{n} steps, no profiler (new attempts excluded): step {1000 * (post + get) / n:.2f} ms"
            f" = POST choose {1000 * post / n:.2f} ms + GET passage {1000 * get / n:.2f} ms"
            " (test client, no network)"
        )
        for label, secs in sorted(timers.items(), key=lambda kv: -kv[1]):
            print(f"  {1000 * secs / n:6.2f} ms/step  {label}")
        return 0
    print(
        f"{args.steps} steps in {elapsed:.2f} s under cProfile: "
        f"{1000 * elapsed / args.steps:.2f} ms per step (profiling overhead included)\n"
    )
    stats = pstats.Stats(profiler)
    if args.dump:
        stats.dump_stats(args.dump)
    for order in ("cumulative", "tottime"):
        buf = io.StringIO()
        pstats.Stats(profiler, stream=buf).strip_dirs().sort_stats(order).print_stats(args.top)
        text = buf.getvalue()
        print(f"--- top {args.top} by {order} ---")
        print(text[text.find("   ncalls") :])

    totals: dict[str, float] = {}
    grand = 0.0
    for (file, _line, _name), (_cc, _nc, tottime, _ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        grand += tottime
        area = next(
            (a for a, keys in AREAS if any(k in file for k in keys)), "other (stdlib, builtins)"
        )
        totals[area] = totals.get(area, 0.0) + tottime
    print("--- own time by area ---")
    for area, secs in sorted(totals.items(), key=lambda kv: -kv[1]):
        print(f"  {area:28} {100 * secs / grand:5.1f} %  ({1000 * secs / args.steps:.2f} ms/step)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
