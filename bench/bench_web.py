"""Benchmark: choice steps per second on gunicorn, against a bare Flask hello-world.

Run ``.venv/bin/python bench/bench_web.py [--seconds N] [--concurrency C]`` from the
repository root. In one run it

1. starts gunicorn (``-w 2``, sync workers, 127.0.0.1 on a free port, no access log) on
   ``bench/hello_app.py`` and measures GET ``/`` requests per second;
2. starts gunicorn with the same settings on ``trainer:create_app()`` over a fresh SQLite
   database and a temporary stories folder (the real catalogues, a small looping story that
   checks clean, and the real ``building-site`` story for the page weight) and measures full
   choice steps per second: POST ``/attempts/<id>/choose`` (302 to ``#passage``, one ``step``
   row written) followed by GET ``/attempts/<id>`` (200 with the expected passage heading
   and the next step number);
3. prints both rates, the ratio (target: a step at no less than 0.08 of the hello-world
   rate), the p50/p95 step latency, the database check (``step`` rows written = choices
   applied), and the weight of a passage page with its CSS and JS (target under 50 KB).

The load generator is C processes, each with one ``http.client`` connection and a cookie
jar of its own. It runs on the same machine as the server and shares its cores: that costs
both measurements alike, and the CPU time it used is printed so it can be judged.
"""

from __future__ import annotations

import argparse
import gzip
import http.client
import multiprocessing as mp
import os
import platform
import re
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import typing as t
from html import unescape
from importlib import metadata
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

WORKERS = 2
TARGET_RATIO = 0.08
TARGET_PAGE_BYTES = 50 * 1024
USER_AGENT = "trainer-bench/1"
PASSWORD = "bench-password-1"

STORY_ID = "bench-loop"
# Two passages whose first (sticky) choices lead to each other forever, with a cue, practices,
# a variable and a condition; each also has a way out so the story has endings, which the
# load generator never takes.
STORY = """---
id: bench-loop
title: Bench loop
language: en
summary: Two places visited in turn, for the web benchmark; it ends only if you leave.
roles: [labour-inspector, police]
minutes: 5
content_note: Mentions of long working hours.
victim: adult
characters: [Aibek]
variables: {trust: 0}
indicators: [excessive-hours]
ideal_referrals: [nrm]
pass_mark: 70
start: yard
---

# Bench loop

## The yard {#yard}

You stand in the yard of a building site. Workers carry bricks past you and nobody looks up.

**Aibek:** [We work from six until late at night, every day.]{indicator=excessive-hours}

- [Walk over to the workers' hut](#hut){practice=good:separate-from-companion set="trust = 1"}
- [Leave the site](#end-left)

## The hut {#hut}

Mattresses lie on the floor of a small hut. Aibek sits by the door and waits.

- [Go back to the yard](#yard){practice=good:open-questions}
- [Refer Aibek for help](#end-referred){if="trust >= 1"}

## Left the site {#end-left .ending outcome=missed referrals=""}

You leave the site.

## Referred {#end-referred .ending outcome=good referrals="nrm"}

You explain the national referral mechanism to Aibek.
"""
# The heading shown after taking the first choice on a page with this heading.
NEXT_TITLE = {"The yard": "The hut", "The hut": "The yard"}

RE_CSRF = re.compile(r'name="csrf_token"(?: type="hidden")? value="([^"]+)"')
RE_STEP = re.compile(r'name="step" value="(\d+)"')
RE_CHOICE = re.compile(r'name="choice" value="([^"]+)"')
RE_NOTE = re.compile(r'name="notes" value="([^"]+)"')
RE_H1 = re.compile(r'<h1 id="passage"[^>]*>(.*?)</h1>', re.S)
RE_ROLE = re.compile(r'name="role" id="[^"]*" value="([^"]+)"')
RE_ASSET = re.compile(
    r'<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"|<script\b[^>]*\bsrc="([^"]+)"'
)


# ---------------------------------------------------------------------------------------------
# HTTP client: one keep-alive connection (reopened when the server closes it) and a cookie jar.


class Response(t.NamedTuple):
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str:
        return next((v for k, v in self.headers if k.lower() == name.lower()), "")

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """A browser-like client: cookies, form posts, no redirect following."""

    def __init__(self, port: int, timeout: float = 10.0) -> None:
        self.port = port
        self.timeout = timeout
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        self.cookies: dict[str, str] = {}

    def close(self) -> None:
        self.conn.close()

    def request(self, method: str, path: str, form: dict[str, t.Any] | None = None) -> Response:
        headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form, doseq=True).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body, headers)
                resp = self.conn.getresponse()
                data = resp.read()
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                # A kept-alive connection the server had already closed: one retry on a new
                # one (a choice applied twice would be refused by the step check anyway).
                self.conn.close()
                if attempt == 2:
                    raise
        if resp.will_close:
            self.conn.close()  # http.client reopens it on the next request
        for raw in resp.msg.get_all("Set-Cookie") or []:
            self._set_cookie(raw)
        return Response(resp.status, resp.getheaders(), data)

    def _set_cookie(self, raw: str) -> None:
        first, _, attrs = raw.partition(";")
        name, _, value = first.strip().partition("=")
        low = attrs.lower()
        if not value or "max-age=0" in low or "01 jan 1970" in low or "01-jan-1970" in low:
            self.cookies.pop(name, None)
        else:
            self.cookies[name] = value

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post(self, path: str, form: dict[str, t.Any]) -> Response:
        return self.request("POST", path, form)


def csrf_token(html: str) -> str:
    m = RE_CSRF.search(html)
    if not m:
        raise RuntimeError("no CSRF token on the page")
    return m.group(1)


def register(client: Client, username: str) -> None:
    """Create an account through the real form (which also signs in)."""
    page = client.get("/auth/register")
    resp = client.post(
        "/auth/register",
        {
            "csrf_token": csrf_token(page.text),
            "username": username,
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    if resp.status != 302:
        raise RuntimeError(f"registration of {username} failed: HTTP {resp.status}")


def start_attempt(client: Client, story_id: str) -> int:
    """Start an attempt in the module's first role, through the real form."""
    page = client.get(f"/modules/{story_id}")
    if page.status != 200:
        raise RuntimeError(f"module page of {story_id}: HTTP {page.status}")
    role = RE_ROLE.search(page.text)
    resp = client.post(
        f"/modules/{story_id}/start",
        {"csrf_token": csrf_token(page.text), "role": role.group(1) if role else ""},
    )
    location = resp.header("Location")
    if resp.status != 302 or not re.search(r"/attempts/\d+$", location):
        raise RuntimeError(f"start of {story_id} failed: HTTP {resp.status} {location}")
    return int(location.rstrip("/").split("/")[-1])


class Page(t.NamedTuple):
    title: str
    step: int
    csrf: str
    choices: list[str]
    notes: list[str]


def parse_play(html: str) -> Page | None:
    """The parts of a passage page a learner's browser would submit; None if it is not one."""
    h1, step, csrf = RE_H1.search(html), RE_STEP.search(html), RE_CSRF.search(html)
    if not (h1 and step and csrf):
        return None
    return Page(
        unescape(h1.group(1)).strip(),
        int(step.group(1)),
        csrf.group(1),
        RE_CHOICE.findall(html),
        RE_NOTE.findall(html),
    )


# ---------------------------------------------------------------------------------------------
# Load generator: one process per client.


class Phase(t.NamedTuple):
    go: t.Any  # mp.Event
    start: t.Any  # mp.Value('d'): time.monotonic() at which the warm-up begins
    warmup: float
    seconds: float


def _client_main(
    kind: str, port: int, index: int, phase: Phase, ready: t.Any, results: t.Any, rollover: int
) -> None:
    out: dict[str, t.Any] = {
        "index": index,
        "ok": 0,
        "failed": 0,
        "latencies": [],
        "total_ok": 0,
        "applied": 0,
        "errors": [],
        "attempts": 0,
    }
    try:
        client = Client(port)
        state: dict[str, t.Any] = {}
        if kind == "trainer":
            register(client, f"bench-{os.getpid()}-{index}")
            _new_attempt(client, state)
            out["attempts"] += 1
            op: t.Callable[[], bool] = lambda: _step(client, state, out, rollover)  # noqa: E731
        else:
            op = lambda: _hello(client)  # noqa: E731
        ready.put(("ready", index, ""))
        if not phase.go.wait(120):
            raise RuntimeError("never told to start")
        m0 = phase.start.value + phase.warmup
        m1 = m0 + phase.seconds
        cpu0 = None
        while True:
            now = time.monotonic()
            if now >= m1:
                break
            if cpu0 is None and now >= m0:
                cpu0 = _cpu()
            began = time.perf_counter()
            try:
                ok = op()
            except (OSError, http.client.HTTPException, RuntimeError) as exc:
                ok = False
                if len(out["errors"]) < 5:
                    out["errors"].append(f"{type(exc).__name__}: {exc}")
                client.close()
            elapsed = time.perf_counter() - began
            end = time.monotonic()
            if ok:
                out["total_ok"] += 1
            if m0 <= end < m1:
                if ok:
                    out["ok"] += 1
                    out["latencies"].append(elapsed)
                else:
                    out["failed"] += 1
        out["cpu"] = _cpu() - (cpu0 if cpu0 is not None else _cpu())
        client.close()
    except Exception as exc:  # reported by the parent
        out["errors"].append(f"{type(exc).__name__}: {exc}")
        ready.put(("error", index, f"{type(exc).__name__}: {exc}"))
    results.put(out)


def machine_cpu() -> tuple[float, float]:
    """(busy, total) jiffies of all CPUs since boot, from /proc/stat."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return float(sum(fields) - idle), float(sum(fields))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _hello(client: Client) -> bool:
    resp = client.get("/")
    return resp.status == 200 and resp.body == b"Hello, World!"


def _new_attempt(client: Client, state: dict[str, t.Any]) -> None:
    attempt = start_attempt(client, STORY_ID)
    resp = client.get(f"/attempts/{attempt}")
    page = parse_play(resp.text) if resp.status == 200 else None
    if page is None or not page.choices:
        raise RuntimeError(f"attempt {attempt}: no passage page (HTTP {resp.status})")
    state.update(attempt=attempt, page=page, steps=0)


def _step(client: Client, state: dict[str, t.Any], out: dict[str, t.Any], rollover: int) -> bool:
    """One full step: POST the first choice (with the case notes), GET the next passage."""
    if rollover and state["steps"] >= rollover:
        _new_attempt(client, state)  # not counted as a step; its time is in the wall clock
        out["attempts"] += 1
    page: Page = state["page"]
    attempt = state["attempt"]
    form: dict[str, t.Any] = {
        "csrf_token": page.csrf,
        "step": str(page.step),
        "choice": page.choices[0],
        "notes-shown": "1",  # a browser always sends the notes panel's marker ...
        "notes": [n for n in page.notes if n.endswith("excessive-hours")],  # ... and one tick
    }
    resp = client.post(f"/attempts/{attempt}/choose", form)
    location = resp.header("Location") if resp.status == 302 else ""
    target = location.split("#", 1)[0]
    if not (location.endswith("#passage") and target.split("?", 1)[0].endswith(f"/{attempt}")):
        _resync(client, state)
        return False
    out["applied"] += 1
    state["steps"] += 1
    resp = client.get(target[target.index("/attempts/") :])  # follow the redirect, as a browser
    new = parse_play(resp.text) if resp.status == 200 else None
    if new is None:
        _resync(client, state)
        return False
    state["page"] = new
    return (
        new.title == NEXT_TITLE.get(page.title) and new.step == page.step + 1 and bool(new.choices)
    )


def _resync(client: Client, state: dict[str, t.Any]) -> None:
    resp = client.get(f"/attempts/{state['attempt']}")
    page = parse_play(resp.text) if resp.status == 200 else None
    if page is None:
        _new_attempt(client, state)
    else:
        state["page"] = page


def run_load(
    server: Gunicorn, kind: str, concurrency: int, warmup: float, seconds: float, rollover: int
) -> dict[str, t.Any]:
    """C client processes: set up, warm up together, measure ``seconds``, merge the results."""
    ctx = mp.get_context("fork")
    phase = Phase(ctx.Event(), ctx.Value("d", 0.0), warmup, seconds)
    ready, results = ctx.Queue(), ctx.Queue()
    procs = [
        ctx.Process(
            target=_client_main,
            args=(kind, server.port, i, phase, ready, results, rollover),
            daemon=True,
        )
        for i in range(concurrency)
    ]
    for p in procs:
        p.start()
    merged: dict[str, t.Any] = {
        "ok": 0,
        "failed": 0,
        "latencies": [],
        "total_ok": 0,
        "applied": 0,
        "errors": [],
        "attempts": 0,
        "cpu": 0.0,
    }
    try:
        for _ in procs:
            status, index, message = ready.get(timeout=120)
            if status != "ready":
                raise RuntimeError(f"client {index} could not set up: {message}")
        phase.start.value = start = time.monotonic() + 0.05
        phase.go.set()
        deadline = time.monotonic() + warmup + seconds + 30
        # CPU of the server and of the whole machine over the measured window.
        time.sleep(max(0.0, start + warmup - time.monotonic()))
        server_cpu0, machine0 = server.cpu(), machine_cpu()
        time.sleep(max(0.0, start + warmup + seconds - time.monotonic()))
        merged["server_cpu"] = server.cpu() - server_cpu0
        busy1, total1 = machine_cpu()
        merged["machine_busy"] = (busy1 - machine0[0]) / max(1e-9, total1 - machine0[1])
        outs = []
        for _ in procs:
            outs.append(results.get(timeout=max(1.0, deadline - time.monotonic())))
        for p in procs:
            p.join(timeout=5)
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
                p.join(timeout=5)
    for out in outs:
        for key in ("ok", "failed", "total_ok", "applied", "attempts"):
            merged[key] += out[key]
        merged["latencies"] += out["latencies"]
        merged["errors"] += out["errors"]
        merged["cpu"] += out.get("cpu", 0.0)
    merged["rate"] = merged["ok"] / seconds
    return merged


# ---------------------------------------------------------------------------------------------
# Servers.


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Gunicorn:
    """gunicorn with the bench's settings, in its own process group, stopped on exit."""

    def __init__(self, app: str, chdir: Path, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.log = log
        cmd = [
            sys.executable, "-m", "gunicorn",
            "-w", str(WORKERS),
            "-b", f"127.0.0.1:{self.port}",
            "--chdir", str(chdir),
            "--log-level", "warning",  # tracebacks of failed requests still go to the log
            "--error-logfile", str(log),
            # No --access-logfile: gunicorn writes no access log unless given one.
            app,
        ]  # fmt: skip
        self.proc = subprocess.Popen(
            cmd,
            env=env,
            start_new_session=True,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, path: str, timeout: float = 30.0) -> None:
        """Until ``path`` answers 200 several times in a row (both workers booted)."""
        deadline = time.monotonic() + timeout
        good = 0
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}:\n{self._tail()}")
            try:
                client = Client(self.port, timeout=5)
                good = good + 1 if client.get(path).status == 200 else 0
                client.close()
                if good >= 10:
                    return
            except OSError:
                good = 0
                time.sleep(0.1)
        raise RuntimeError(f"gunicorn not ready after {timeout:.0f} s; see {self.log}")

    def cpu(self) -> float:
        """CPU seconds used so far by the master and its workers (its process group)."""
        total = 0
        tick = os.sysconf("SC_CLK_TCK")
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == self.proc.pid:  # pgrp
                total += int(fields[11]) + int(fields[12])  # utime + stime
        return total / tick

    def _tail(self) -> str:
        try:
            return "\n".join(self.log.read_text().splitlines()[-20:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
            except ProcessLookupError:
                pass


# ---------------------------------------------------------------------------------------------
# Set-up, page weight, database check.


def make_stories(folder: Path) -> Path:
    """Catalogues, the looping bench story and the real building-site story; all check clean."""
    from trainer.story.loader import check_files, load_catalogue

    stories = folder / "stories"
    shutil.copytree(ROOT / "stories" / "catalogue", stories / "catalogue")
    (stories / f"{STORY_ID}.md").write_text(STORY, encoding="utf-8")
    for path in (ROOT / "stories").glob("building-site*.md"):
        shutil.copy(path, stories / path.name)
    catalogue = load_catalogue(stories / "catalogue")
    for checked in check_files([stories], catalogue):
        bad = [d for d in checked.diagnostics if d.severity.name in ("ERROR", "WARNING")]
        if not checked.compiled.ok or bad:
            raise RuntimeError(f"{checked.path.name} does not check clean: {bad}")
    return stories


def migrate(env: dict[str, str]) -> None:
    """Create the schema once, before two workers could race on it."""
    from trainer import create_app

    saved = dict(os.environ)
    os.environ.update(env)
    try:
        app = create_app()
        app.extensions["trainer.engine"].dispose()
    finally:
        os.environ.clear()
        os.environ.update(saved)


def page_weight(port: int) -> dict[str, t.Any]:
    """HTML of passage pages and the CSS/JS they link, as served and gzip-compressed."""
    client = Client(port)
    register(client, f"weight-{os.getpid()}")
    pages: list[tuple[str, int, int]] = []  # (story:title, raw, gzip)
    assets: dict[str, tuple[int, int, str]] = {}
    for story_id, max_steps in ((STORY_ID, 1), ("building-site", 40)):
        attempt = start_attempt(client, story_id)
        for n in range(max_steps):
            resp = client.get(f"/attempts/{attempt}")
            page = parse_play(resp.text) if resp.status == 200 else None
            if page is None:
                break
            pages.append(
                (f"{story_id}: {page.title}", len(resp.body), len(gzip.compress(resp.body)))
            )
            for css, js in RE_ASSET.findall(resp.text):
                url = urlsplit(unescape(css or js)).path
                if url not in assets:
                    asset = client.get(url)
                    if asset.status != 200:
                        raise RuntimeError(f"asset {url}: HTTP {asset.status}")
                    assets[url] = (
                        len(asset.body), len(gzip.compress(asset.body)),
                        asset.header("Cache-Control") or "(none)",
                    )  # fmt: skip
            if not page.choices or n + 1 >= max_steps:
                break  # the bench story is only looked at: its step rows are counted later
            client.post(
                f"/attempts/{attempt}/choose",
                {"csrf_token": page.csrf, "step": str(page.step), "choice": page.choices[0]},
            )
    client.close()
    return {"pages": pages, "assets": assets}


def count_steps(db: Path) -> int:
    with sqlite3.connect(db) as conn:
        row = conn.execute(
            "SELECT COUNT(*) FROM step JOIN attempt ON attempt.id = step.attempt_id "
            "WHERE attempt.story_id = ?",
            (STORY_ID,),
        ).fetchone()
    return int(row[0])


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def kb(n: float) -> str:
    return f"{n / 1024:.1f} KB"


# ---------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per run")
    parser.add_argument("--concurrency", type=int, default=2, help="client processes")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds before measuring")
    parser.add_argument(
        "--attempt-steps", type=int, default=30,
        help="start a fresh attempt after this many steps (0: one endless attempt per client)",
    )  # fmt: skip
    args = parser.parse_args(argv)
    if not (0 < args.seconds <= 60 and 1 <= args.concurrency <= 32 and 0 <= args.warmup <= 30):
        parser.error("bounds: 0 < --seconds <= 60, 1 <= --concurrency <= 32, --warmup <= 30")

    print(
        f"bench_web: Python {platform.python_version()}, gunicorn {metadata.version('gunicorn')} "
        f"(-w {WORKERS}, sync), {os.cpu_count()} CPU(s), {args.concurrency} client process(es) "
        f"on the same machine, {args.warmup:g} s warm-up + {args.seconds:g} s measured per run"
    )
    busy0, total0 = machine_cpu()
    time.sleep(1.0)
    busy1, total1 = machine_cpu()
    idle_busy = (busy1 - busy0) / max(1e-9, total1 - total0)
    print(f"machine CPU busy before the run: {100 * idle_busy:.0f} % (1 s sample)")
    if idle_busy > 0.10:
        print("warning: other work on this machine lowers both rates (not necessarily alike)")
    servers: list[Gunicorn] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="trainer-bench-") as tmp:
        folder = Path(tmp)
        try:
            # 1. hello world
            hello = Gunicorn("hello_app:app", BENCH, dict(os.environ), folder / "hello.log")
            servers.append(hello)
            hello.wait_ready("/")
            h = run_load(hello, "hello", args.concurrency, args.warmup, args.seconds, 0)
            hello.stop()

            # 2. trainer
            stories = make_stories(folder)
            db = folder / "bench.sqlite"
            env = dict(os.environ)
            env.update(
                TRAINER_DATABASE_URL=f"sqlite:///{db}",
                TRAINER_STORIES_DIR=str(stories),
                TRAINER_SECRET_KEY="bench",
            )
            migrate(env)
            trainer = Gunicorn("trainer:create_app()", ROOT, env, folder / "trainer.log")
            servers.append(trainer)
            trainer.wait_ready("/auth/login")
            s = run_load(
                trainer, "trainer", args.concurrency, args.warmup, args.seconds,
                args.attempt_steps,
            )  # fmt: skip
            weight = page_weight(trainer.port)
            trainer.stop()
            rows = count_steps(db)
        except Exception:
            for server in servers:
                tail = server._tail()
                if tail:
                    print(f"--- last lines of {server.log.name} ---\n{tail}", file=sys.stderr)
            raise
        finally:
            for server in servers:
                server.stop()

    ratio = s["rate"] / h["rate"] if h["rate"] else 0.0
    cpu_avail = (os.cpu_count() or 1) * args.seconds
    print()
    print(
        f"hello world   : {h['rate']:9.1f} req/s    ({h['ok']} in {args.seconds:g} s, "
        f"{h['failed']} failed)"
    )
    print(
        f"choice steps  : {s['rate']:9.1f} steps/s  ({s['ok']} in {args.seconds:g} s, "
        f"{s['failed']} failed; = {2 * s['rate']:.1f} HTTP req/s)"
    )
    for name, r, unit in (("hello", h, "request"), ("steps", s, "step")):
        per = 1000 * r["server_cpu"] / r["ok"] if r["ok"] else float("nan")
        other = max(0.0, r["machine_busy"] * cpu_avail - r["server_cpu"] - r["cpu"])
        print(
            f"  CPU ({name}) : server {r['server_cpu']:.1f} s ({per:.2f} ms per {unit}), "
            f"generator {r['cpu']:.1f} s, other processes {other:.1f} s, of {cpu_avail:.0f} s"
        )
        if other > 0.1 * cpu_avail:
            print(
                f"  warning: other processes took {100 * other / cpu_avail:.0f} % of the CPU "
                f"during the {name} run; its rate is understated"
            )
    if h["ok"] and s["ok"] and s["server_cpu"]:
        cost = (h["server_cpu"] / h["ok"]) / (s["server_cpu"] / s["ok"])
        print(
            f"  server CPU per hello request / per step: {cost:.4f} (the ratio the rates would "
            "have if the server alone were CPU-bound; much less sensitive to other load)"
        )
        both = ((h["server_cpu"] + h["cpu"]) / h["ok"]) / ((s["server_cpu"] + s["cpu"]) / s["ok"])
        print(
            f"  (server + generator) CPU per hello request / per step: {both:.4f} (the ratio "
            "expected on an idle machine, where both runs are CPU-bound)"
        )
    print(
        f"step latency  : p50 {1000 * percentile(s['latencies'], 0.50):.1f} ms, "
        f"p95 {1000 * percentile(s['latencies'], 0.95):.1f} ms (POST choose + GET passage)"
    )
    verdict = "MET" if ratio >= TARGET_RATIO else "NOT MET"
    print(
        f"ratio         : {ratio:.4f} steps per hello request (target >= {TARGET_RATIO}: {verdict})"
    )
    print(
        f"database      : {rows} step rows written for the bench story; "
        f"{s['applied']} choices applied (302 #passage) by the clients, "
        f"{s['total_ok']} full steps counted incl. warm-up and tail, "
        f"{s['attempts']} attempts "
        f"({'OK' if rows == s['applied'] else 'MISMATCH'})"
    )
    errors = h["errors"] + s["errors"]
    if errors:
        print("errors        : " + "; ".join(sorted(set(errors))[:5]))

    pages, assets = weight["pages"], weight["assets"]
    asset_raw = sum(a[0] for a in assets.values())
    asset_gz = sum(a[1] for a in assets.values())
    print()
    print("page weight (no compression by the server; gzip -6 figures for comparison):")
    for url, (raw, gz, cache) in assets.items():
        print(f"  asset {url}: {raw} B ({gz} B gzip), Cache-Control: {cache}")
    heaviest = max(pages, key=lambda p: p[1])
    for label, (name, raw, gz) in (
        ("bench passage", pages[0]),
        ("first real passage", pages[1]),
        ("heaviest seen", heaviest),
    ):
        total, total_gz = raw + asset_raw, gz + asset_gz
        ok = "MET" if total < TARGET_PAGE_BYTES else "NOT MET"
        print(
            f"  {label:18}: {name}: HTML {raw} B + assets {asset_raw} B = {total} B "
            f"({kb(total)}); gzip {total_gz} B ({kb(total_gz)}); "
            f"target < 50 KB uncompressed: {ok}"
        )
    print(f"  ({len(pages) - 1} passage pages of building-site walked along the first choice)")
    print(f"\ntotal run time {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
