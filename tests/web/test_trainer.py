"""Trainer workspace: cohorts, joining, assignments, matrix, transcripts, analytics,
after-action report, CSV, ``trainer grant``; and the access rules of every trainer route,
with two trainers and two cohorts."""

from __future__ import annotations

import csv
import io
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlmodel import select

from tests.web.conftest import Auth, Player, csrf_token
from trainer.db import get_session
from trainer.models import Attempt, CohortMember, Step, User
from trainer.services.accounts import create_user
from trainer.starter import write_starter

PASSWORD = "password-1"
BAD = ["arrival:2", "in-front:1"]  # questioned in front of the supervisor: missed, score 0
MID = ["arrival:1", "alone:2", "passport:1"]  # good referral, nothing noted: score 50
GOOD = ["arrival:1", "alone:1", "promise:1", "alone:2", "passport:1"]  # with notes: 100
NOTES = ["coercion-destination.document-retention", "exploitative-conditions.excessive-hours"]


def make_user(app: Flask, username: str, roles: str = "", name: str = "") -> int:
    with app.app_context():
        user = create_user(get_session(), username, PASSWORD, name or username.title(), roles)
        assert user.id is not None
        return user.id


def signed_in(app: Flask, username: str) -> FlaskClient:
    client = app.test_client()
    response = Auth(client).login(username, PASSWORD)
    assert response.status_code == 302, response.text
    return client


def token(client: FlaskClient, url: str = "/") -> str:
    return csrf_token(client.get(url).text)


def post(client: FlaskClient, url: str, data: dict | None = None, **kw):
    return client.post(url, data={"csrf_token": token(client), **(data or {})}, **kw)


def create_cohort(client: FlaskClient, name: str) -> tuple[int, str]:
    response = post(client, "/trainer/cohorts", {"name": name})
    assert response.status_code == 302, response.text
    cohort_id = int(re.search(r"/cohorts/(\d+)/", response.headers["Location"]).group(1))
    page = client.get(f"/trainer/cohorts/{cohort_id}/people").text
    code = re.search(r'id="join-code">(\w+)<', page).group(1)
    return cohort_id, code


def assign(client: FlaskClient, cohort_id: int, story: str = "mini", **fields) -> None:
    url = f"/trainer/cohorts/{cohort_id}/assignments/new"
    data = {
        "csrf_token": csrf_token(client.get(url).text),
        "story": story,
        "learner": "",
        "open_date": "",
        "due_date": "",
        "pass_mark": "",
        "mode": "graded",
        "counts": "best",
        **{k: str(v) for k, v in fields.items()},
    }
    response = client.post(url, data=data)
    assert response.status_code == 302, response.text


def join(client: FlaskClient, code: str):
    return post(client, "/join/", {"code": code})


def play(client: FlaskClient, keys: list[str], notes: list[str] | None = None) -> int:
    player = Player(client)
    attempt = player.start()
    for i, key in enumerate(keys):
        response = player.choose(attempt, key, notes=notes if i == 0 else None)
        assert response.status_code == 302, (key, response.text)
    return attempt


def assignment_ids(app: Flask, cohort_id: int) -> list[int]:
    from trainer.models import Assignment

    with app.app_context():
        rows = get_session().exec(select(Assignment).where(Assignment.cohort_id == cohort_id))
        return [a.id for a in rows]


@dataclass
class World:
    """Two trainers with a cohort each; learners in each; an attempt in each."""

    app: Flask
    t1: FlaskClient
    t2: FlaskClient
    l1: FlaskClient
    l3: FlaskClient
    cohort_a: int
    cohort_b: int
    code_a: str
    code_b: str
    learner1: int
    learner2: int
    learner3: int
    attempt_a: int  # learner1's, in cohort A
    attempt_b: int  # learner3's, in cohort B
    assignment_a: int
    assignment_b: int


@pytest.fixture
def world(app: Flask) -> World:
    make_user(app, "trainer1", "trainer", "Trainer One")
    make_user(app, "trainer2", "trainer", "Trainer Two")
    learner1 = make_user(app, "learner1", name="Aigul")
    learner2 = make_user(app, "learner2", name="Bakyt")
    learner3 = make_user(app, "learner3", name="Chynara")
    t1, t2 = signed_in(app, "trainer1"), signed_in(app, "trainer2")
    cohort_a, code_a = create_cohort(t1, "Cohort A")
    cohort_b, code_b = create_cohort(t2, "Cohort B")
    assign(t1, cohort_a)
    assign(t2, cohort_b)
    l1, l2, l3 = (signed_in(app, f"learner{n}") for n in (1, 2, 3))
    assert join(l1, code_a).status_code == 302
    assert join(l2, code_a).status_code == 302
    assert join(l3, code_b).status_code == 302
    attempt_a = play(l1, BAD)
    attempt_b = play(l3, GOOD, NOTES)
    return World(
        app,
        t1,
        t2,
        l1,
        l3,
        cohort_a,
        cohort_b,
        code_a,
        code_b,
        learner1,
        learner2,
        learner3,
        attempt_a,
        attempt_b,
        assignment_ids(app, cohort_a)[0],
        assignment_ids(app, cohort_b)[0],
    )


# --------------------------------------------------------------------------- access rules


def routes(w: World, cohort: int, learner: int, attempt: int, assignment: int):
    """Every trainer route that names a cohort (and learner, attempt, assignment), with method."""
    c = f"/trainer/cohorts/{cohort}"
    return [
        ("GET", c, "trainer.cohort"),
        ("GET", f"{c}/people", "trainer.people"),
        ("POST", f"{c}/rename", "trainer.rename"),
        ("POST", f"{c}/code", "trainer.new_code"),
        ("POST", f"{c}/delete", "trainer.delete"),
        ("POST", f"{c}/members/{learner}/remove", "trainer.remove_member"),
        ("POST", f"{c}/trainers", "trainer.add_trainer"),
        ("POST", f"{c}/trainers/{learner}/remove", "trainer.remove_trainer"),
        ("GET", f"{c}/assignments", "trainer.assignments"),
        ("GET", f"{c}/assignments/new", "trainer.new_assignment"),
        ("POST", f"{c}/assignments/new", "trainer.new_assignment"),
        ("GET", f"{c}/assignments/{assignment}/edit", "trainer.edit_assignment"),
        ("POST", f"{c}/assignments/{assignment}/edit", "trainer.edit_assignment"),
        ("POST", f"{c}/assignments/{assignment}/delete", "trainer.delete_assignment"),
        ("GET", f"{c}/learners/{learner}", "trainer.learner"),
        ("GET", f"{c}/attempts/{attempt}", "trainer.transcript"),
        ("GET", f"{c}/analytics", "trainer.analytics"),
        ("GET", f"{c}/report", "trainer.report"),
        ("GET", f"{c}/export/attempts.csv", "trainer.export"),
        ("GET", f"{c}/export/steps.csv", "trainer.export"),
        ("GET", f"{c}/export/indicators.csv", "trainer.export"),
    ]


UNNAMED = [
    ("GET", "/trainer/", "trainer.index"),
    ("POST", "/trainer/cohorts", "trainer.create"),
    ("GET", "/trainer/roles", "trainer.roles"),  # a redirect to /admin/ (see test_admin.py)
]


def request(client: FlaskClient, method: str, url: str):
    if method == "GET":
        return client.get(url)
    return post(client, url, {"name": "x", "username": "trainer1", "story": "mini"})


def test_every_trainer_route_is_covered_here(world: World):
    endpoints = {
        r.endpoint for r in world.app.url_map.iter_rules() if r.endpoint.startswith("trainer.")
    }
    endpoints.discard("trainer.static")
    listed = {e for _m, _u, e in routes(world, 1, 1, 1, 1) + UNNAMED}
    assert endpoints == listed


def test_signed_out_is_sent_to_sign_in(world: World):
    anonymous = world.app.test_client()
    for method, url, _e in (
        routes(world, world.cohort_a, world.learner1, world.attempt_a, world.assignment_a) + UNNAMED
    ):
        if method == "GET":
            response = anonymous.get(url)
            assert response.status_code == 302, url
            assert "/auth/login" in response.headers["Location"]


def test_learner_never_reaches_trainer_pages(world: World):
    for method, url, _e in (
        routes(world, world.cohort_a, world.learner1, world.attempt_a, world.assignment_a) + UNNAMED
    ):
        assert request(world.l1, method, url).status_code == 403, (method, url)


def test_other_trainer_gets_404_on_every_route_of_a_cohort(world: World):
    for method, url, _e in routes(
        world, world.cohort_a, world.learner1, world.attempt_a, world.assignment_a
    ):
        assert request(world.t2, method, url).status_code == 404, (method, url)
    # and nothing changed: cohort A still exists with its learners and assignment
    page = world.t1.get(f"/trainer/cohorts/{world.cohort_a}/people").text
    assert "Aigul" in page and "Bakyt" in page and world.code_a in page
    assert world.assignment_a in assignment_ids(world.app, world.cohort_a)


def test_objects_of_another_cohort_are_404_under_ones_own(world: World):
    """Trainer 1 names cohort A (theirs) with a learner, attempt or assignment of cohort B."""
    naming_an_object = {
        "trainer.learner",
        "trainer.transcript",
        "trainer.remove_member",
        "trainer.remove_trainer",
        "trainer.edit_assignment",
        "trainer.delete_assignment",
    }
    for method, url, endpoint in routes(
        world, world.cohort_a, world.learner3, world.attempt_b, world.assignment_b
    ):
        if endpoint in naming_an_object:
            assert request(world.t1, method, url).status_code == 404, (method, url)
    # and cohort B's assignment is untouched
    assert world.assignment_b in assignment_ids(world.app, world.cohort_b)
    # unknown ids too
    for url in (
        f"/trainer/cohorts/{world.cohort_a}/learners/99999",
        f"/trainer/cohorts/{world.cohort_a}/attempts/99999",
        f"/trainer/cohorts/{world.cohort_a}/assignments/99999/edit",
        "/trainer/cohorts/99999",
        f"/trainer/cohorts/{world.cohort_a}/export/secrets.csv",
        f"/trainer/cohorts/{world.cohort_a}/analytics?version=99999",
        f"/trainer/cohorts/{world.cohort_a}/report?story=nope",
    ):
        assert world.t1.get(url).status_code == 404, url


def test_a_trainer_who_is_not_a_member_sees_nothing_of_a_learners_other_attempts(world: World):
    app = world.app
    # learner1 played before joining cohort B: trainer 2 sees neither them nor that attempt
    assert join(world.l1, world.code_b).status_code == 302
    base = f"/trainer/cohorts/{world.cohort_b}"
    assert world.t2.get(f"{base}/learners/{world.learner1}").status_code == 200
    assert world.t2.get(f"{base}/attempts/{world.attempt_a}").status_code == 404
    # an attempt at a module nobody assigned in the cohort stays private too
    write_starter("other", Path(app.config["STORIES_DIR"]))
    other = Player(world.l3).start(story="other")
    assert world.t2.get(f"{base}/attempts/{other}").status_code == 404
    # ...while one at the assigned module, after joining, is visible
    later = play(world.l1, BAD)
    assert world.t2.get(f"{base}/attempts/{later}").status_code == 200


def test_co_trainer_sees_the_cohort_and_cannot_delete_it(world: World):
    base = f"/trainer/cohorts/{world.cohort_a}"
    response = post(world.t1, f"{base}/trainers", {"username": "trainer2"})
    assert response.status_code == 302
    assert world.t2.get(base).status_code == 200
    assert world.t2.get(f"{base}/attempts/{world.attempt_a}").status_code == 200
    response = post(world.t2, f"{base}/delete", follow_redirects=True)
    assert "Only the owner" in response.text
    assert world.t2.get(base).status_code == 200
    # a co-trainer steps down, then sees nothing
    with world.app.app_context():
        t2_id = get_session().exec(select(User).where(User.username == "trainer2")).one().id
    assert post(world.t2, f"{base}/trainers/{t2_id}/remove").status_code == 302
    assert world.t2.get(base).status_code == 404


def test_add_trainer_refuses_unknown_and_non_trainers(world: World):
    base = f"/trainer/cohorts/{world.cohort_a}"
    response = post(world.t1, f"{base}/trainers", {"username": "nobody"})
    assert response.status_code == 400 and "no user with this username" in response.text
    response = post(world.t1, f"{base}/trainers", {"username": "learner1"})
    assert response.status_code == 400 and "does not hold the trainer role" in response.text
    with world.app.app_context():
        owner = get_session().exec(select(User).where(User.username == "trainer1")).one().id
    response = post(world.t1, f"{base}/trainers/{owner}/remove", follow_redirects=True)
    assert "cannot be removed" in response.text


def test_csrf_is_required_on_trainer_and_join_posts(world: World):
    base = f"/trainer/cohorts/{world.cohort_a}"
    assert world.t1.post("/trainer/cohorts", data={"name": "x"}).status_code == 400
    assert world.t1.post(f"{base}/members/{world.learner1}/remove").status_code == 400
    assert world.l1.post("/join/", data={"code": world.code_b}).status_code == 400
    assert world.l1.post(f"/join/{world.code_b}").status_code == 400


# --------------------------------------------------------------------------- cohorts and joining


def test_trainer_role_is_needed_and_nav_shows_it(app: Flask, world: World):
    assert "/trainer/" in world.t1.get("/").text
    assert 'href="/trainer/"' not in world.l1.get("/").text


def test_join_by_code_and_by_link(app: Flask, world: World):
    make_user(app, "learner9")
    client = signed_in(app, "learner9")
    # the link needs a signed-in user
    anonymous = app.test_client()
    response = anonymous.get(f"/join/{world.code_a}")
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    page = client.get(f"/join/{world.code_a}")
    assert page.status_code == 200 and "Cohort A" in page.text and "Trainer One" in page.text
    response = post(client, f"/join/{world.code_a}", follow_redirects=True)
    assert "You joined Cohort A" in response.text
    # twice is harmless
    response = join(client, world.code_a.lower())
    assert response.status_code == 302
    assert "already in Cohort A" in client.get("/").text
    with app.app_context():
        rows = (
            get_session()
            .exec(select(CohortMember).where(CohortMember.cohort_id == world.cohort_a))
            .all()
        )
        assert len(rows) == 3
    # unknown codes
    assert join(client, "ZZZZZZZZ").status_code == 404
    assert client.get("/join/ZZZZZZZZ").status_code == 404
    assert "Join code" in client.get("/join/").text


def test_new_join_code_retires_the_old_one(world: World):
    base = f"/trainer/cohorts/{world.cohort_a}"
    response = post(world.t1, f"{base}/code", follow_redirects=True)
    assert "the old one no longer works" in response.text
    assert world.l3.get(f"/join/{world.code_a}").status_code == 404


def test_remove_learner(world: World):
    base = f"/trainer/cohorts/{world.cohort_a}"
    response = post(world.t1, f"{base}/members/{world.learner1}/remove", follow_redirects=True)
    assert "is no longer in this cohort" in response.text
    assert world.t1.get(f"{base}/learners/{world.learner1}").status_code == 404
    assert world.t1.get(f"{base}/attempts/{world.attempt_a}").status_code == 404
    assert "Aigul" not in world.t1.get(base).text
    # their attempt is still theirs
    assert world.l1.get(f"/attempts/{world.attempt_a}/debrief").status_code == 200
    assert "Cohort A" not in world.l1.get("/").text


def test_rename_and_delete_cohort(world: World):
    base = f"/trainer/cohorts/{world.cohort_a}"
    post(world.t1, f"{base}/rename", {"name": "Issyk-Kul 2026"})
    assert "Issyk-Kul 2026" in world.t1.get("/trainer/").text
    response = post(world.t1, f"{base}/delete", follow_redirects=True)
    assert "The cohort is deleted" in response.text
    assert world.t1.get(base).status_code == 404
    assert world.l1.get(f"/attempts/{world.attempt_a}/debrief").status_code == 200


def test_create_cohort_needs_a_name(world: World):
    response = post(world.t1, "/trainer/cohorts", {"name": "  "})
    assert response.status_code == 400 and "Give the cohort a name" in response.text


# --------------------------------------------------------------------------- assignments


def test_assignment_defaults_to_the_storys_pass_mark_and_can_be_edited(world: World):
    base = f"/trainer/cohorts/{world.cohort_a}"
    page = world.t1.get(f"{base}/assignments").text
    assert "A new interview" in page and "<td>70</td>" in page
    url = f"{base}/assignments/{world.assignment_a}/edit"
    form = world.t1.get(url).text
    assert 'value="70"' in form
    response = world.t1.post(
        url,
        data={
            "csrf_token": csrf_token(form),
            "learner": "",
            "open_date": "2026-01-01",
            "due_date": "2025-01-01",
            "pass_mark": "40",
            "mode": "graded",
            "counts": "last",
        },
    )
    assert response.status_code == 400 and "before the open date" in response.text
    response = world.t1.post(
        url,
        data={
            "csrf_token": csrf_token(form),
            "learner": "",
            "open_date": "",
            "due_date": "2099-01-31",
            "pass_mark": "40",
            "mode": "practice",
            "counts": "last",
        },
    )
    assert response.status_code == 302
    page = world.t1.get(f"{base}/assignments").text
    assert "<td>40</td>" in page and "2099-01-31" in page and "last attempt counts" in page


def test_assignment_form_refuses_a_pass_mark_out_of_range(world: World):
    url = f"/trainer/cohorts/{world.cohort_a}/assignments/new"
    data = {"story": "mini", "learner": "", "pass_mark": "101", "mode": "graded", "counts": "best"}
    response = world.t1.post(url, data={"csrf_token": token(world.t1, url), **data})
    assert response.status_code == 400 and "between 0 and 100" in response.text
    data.update(pass_mark="", learner=str(world.learner3))  # not in cohort A
    response = world.t1.post(url, data={"csrf_token": token(world.t1, url), **data})
    assert response.status_code == 400


def test_a_draft_story_cannot_be_assigned_but_keeps_its_assignments(world: World, stories_dir):
    path = stories_dir / "mini.md"
    path.write_text(path.read_text().replace("roles:", "draft: true\nroles:", 1))
    time.sleep(1.1)  # the library looks at the files again at most once a second
    url = f"/trainer/cohorts/{world.cohort_a}/assignments/new"
    assert '<option value="mini"' not in world.t1.get(url).text
    data = {"story": "mini", "learner": "", "pass_mark": "", "mode": "graded", "counts": "best"}
    response = world.t1.post(url, data={"csrf_token": token(world.t1, url), **data})
    assert response.status_code == 400
    # the assignment made while it was published still shows its title and can be edited
    base = f"/trainer/cohorts/{world.cohort_a}"
    assert "A new interview" in world.t1.get(f"{base}/assignments").text
    edit = world.t1.get(f"{base}/assignments/{world.assignment_a}/edit").text
    assert "A new interview" in edit and 'name="story"' not in edit  # the story is fixed


def test_learner_sees_assignments_first_with_due_dates_and_overdue(world: World):
    yesterday = (datetime.now(UTC) - timedelta(days=1)).date()
    assign(
        world.t1,
        world.cohort_a,
        due_date=yesterday.isoformat(),
        open_date=(yesterday - timedelta(days=5)).isoformat(),
        learner=world.learner2,
    )
    l2 = signed_in(world.app, "learner2")
    page = l2.get("/").text
    # the assignments come before the list of every module
    assert (
        page.index("Your assignments")
        < page.index("Join a cohort")
        < page.index("Start</a>", page.index("Join a cohort"))
    )
    assert "Cohort A" in page
    assert yesterday.isoformat() in page
    assert "badge overdue" in page
    # learner1 has only the cohort-wide assignment, not learner2's
    page1 = world.l1.get("/").text
    assert page1.count("card module assignment") == 1
    assert "badge overdue" not in page1


def test_delete_assignment_keeps_attempts(world: World):
    base = f"/trainer/cohorts/{world.cohort_a}"
    response = post(
        world.t1, f"{base}/assignments/{world.assignment_a}/delete", follow_redirects=True
    )
    assert "Attempts are kept" in response.text
    assert world.l1.get(f"/attempts/{world.attempt_a}/debrief").status_code == 200
    assert "No module is assigned yet" in world.t1.get(base).text


# --------------------------------------------------------------------------- matrix


def cell_texts(client: FlaskClient, cohort: int, **args) -> dict[str, list[str]]:
    """Learner name -> the text of their cells, from the matrix page."""
    query = "&".join(f"{k}={v}" for k, v in args.items())
    page = client.get(f"/trainer/cohorts/{cohort}?{query}").text
    body = page[page.index("<tbody>") : page.index("</tbody>")]
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        name = re.search(r'<th scope="row"><a [^>]*>([^<]+)</a>', row).group(1)
        cells = [
            re.sub(r"<[^>]+>", " ", c)
            for c in re.findall(r'<td class="cell[^"]*">(.*?)</td>', row, re.S)
        ]
        out[name] = [" ".join(c.split()) for c in cells]
    return out


def test_matrix_statuses_change_as_learners_play(world: World):
    base = world.cohort_a
    cells = cell_texts(world.t1, base)
    assert cells["Aigul"] == ["Failed 0 Attempts: 1"]
    assert cells["Bakyt"] == ["Not started"]
    l2 = signed_in(world.app, "learner2")
    attempt = Player(l2).start()
    assert cell_texts(world.t1, base)["Bakyt"] == ["In progress Attempts: 1"]
    for key in GOOD:
        Player(l2).choose(attempt, key, notes=NOTES if key == "arrival:1" else None)
    assert cell_texts(world.t1, base)["Bakyt"] == ["Passed 100 Attempts: 1"]
    page = world.t1.get(f"/trainer/cohorts/{base}").text
    assert f"/trainer/cohorts/{base}/attempts/{attempt}" in page  # the cell opens the transcript
    assert f"/trainer/cohorts/{base}/learners/{world.learner2}" in page  # the row opens the learner


def test_matrix_which_attempt_counts(world: World):
    base = f"/trainer/cohorts/{world.cohort_a}"
    play(world.l1, MID)  # 50
    play(world.l1, BAD)  # 0 again
    edit = f"{base}/assignments/{world.assignment_a}/edit"

    def rule(counts: str, mark: int = 70, mode: str = "graded") -> str:
        world.t1.post(
            edit,
            data={
                "csrf_token": token(world.t1, edit),
                "learner": "",
                "pass_mark": str(mark),
                "mode": mode,
                "counts": counts,
            },
        )
        return cell_texts(world.t1, world.cohort_a)["Aigul"][0]

    assert rule("best") == "Failed 50 Attempts: 3"
    assert rule("best", mark=50) == "Passed 50 Attempts: 3"
    assert rule("first", mark=50) == "Failed 0 Attempts: 3"
    assert rule("last", mark=0) == "Passed 0 Attempts: 3"
    assert rule("best", mode="practice") == "Completed 50 Attempts: 3"


def test_matrix_overdue_and_open_date(world: World):
    base = f"/trainer/cohorts/{world.cohort_a}"
    edit = f"{base}/assignments/{world.assignment_a}/edit"
    tomorrow = (datetime.now(UTC) + timedelta(days=1)).date().isoformat()
    data = {"learner": "", "pass_mark": "", "mode": "graded", "counts": "best"}
    # opening tomorrow: today's attempt does not count yet
    world.t1.post(edit, data={"csrf_token": token(world.t1, edit), **data, "open_date": tomorrow})
    assert cell_texts(world.t1, world.cohort_a)["Aigul"] == ["Not started"]
    # due last year, open since before: Bakyt (never started) is overdue, Aigul has failed
    data.update(open_date="2020-01-01", due_date="2020-12-31")
    world.t1.post(edit, data={"csrf_token": token(world.t1, edit), **data})
    cells = cell_texts(world.t1, world.cohort_a)
    assert cells["Bakyt"] == ["Overdue"]
    assert cells["Aigul"] == ["Failed 0 late Attempts: 1"]


def test_matrix_sorts(world: World):
    l2 = signed_in(world.app, "learner2")
    play(l2, GOOD, NOTES)
    play(l2, BAD)
    names = lambda **a: list(cell_texts(world.t1, world.cohort_a, **a))  # noqa: E731
    assert names() == ["Aigul", "Bakyt"]
    assert names(sort="name", dir="desc") == ["Bakyt", "Aigul"]
    assert names(sort="attempts", dir="desc") == ["Bakyt", "Aigul"]
    assert names(sort=f"a{world.assignment_a}", dir="desc") == ["Bakyt", "Aigul"]
    assert names(sort="last", dir="asc") == ["Aigul", "Bakyt"]
    assert names(sort="time") and names(sort="bogus") == ["Aigul", "Bakyt"]


def test_time_spent_caps_long_pauses(world: World):
    from trainer.models import Cohort, utcnow
    from trainer.services import reports

    with world.app.app_context():
        session = get_session()
        attempt = session.get(Attempt, world.attempt_a)
        steps = session.exec(
            select(Step).where(Step.attempt_id == world.attempt_a).order_by(Step.number)
        ).all()
        began = attempt.started_at
        steps[0].created_at = began + timedelta(seconds=120)
        steps[1].created_at = began + timedelta(days=1, seconds=120)  # a day later: capped
        session.add_all(steps)
        session.commit()
        matrix = reports.matrix(session, session.get(Cohort, world.cohort_a), utcnow())
        row = next(r for r in matrix.rows if r.user.id == world.learner1)
        assert row.seconds == pytest.approx(120 + reports.IDLE_CAP, abs=1)
    assert "12 min" in world.t1.get(f"/trainer/cohorts/{world.cohort_a}").text


# --------------------------------------------------------------------------- transcript


def test_learner_page_lists_attempts(world: World):
    page = world.t1.get(f"/trainer/cohorts/{world.cohort_a}/learners/{world.learner1}").text
    assert "Aigul" in page and f"/attempts/{world.attempt_a}" in page and "Failed" in page


def test_transcript_shows_steps_feedback_notes_and_debrief(world: World):
    page = world.t2.get(f"/trainer/cohorts/{world.cohort_b}/attempts/{world.attempt_b}").text
    assert "Transcript" in page and "Chynara" in page
    assert "Step 1" in page and "Step 5" in page
    assert "<q>Ask to speak with Dilnoza alone</q>" in page
    assert "Followed: " in page  # practice=good:separate-from-companion
    assert "+ Boss holds passport or ID" in page  # notes taken at step 1
    assert "Debrief as the learner saw it" in page
    assert "Score: 100 / 100" in page
    assert 'id="path-0"' in page
    assert "Replay from here" not in page  # the learner's own buttons are not shown
    bad = world.t1.get(f"/trainer/cohorts/{world.cohort_a}/attempts/{world.attempt_a}").text
    assert "In front of the supervisor she cannot speak freely." in bad  # choice feedback
    assert "Broken: " in bad
    assert 'href="#path-0"' in bad  # the missed cue links into the transcript


def test_learner_debrief_page_still_works(world: World):
    page = world.l1.get(f"/attempts/{world.attempt_a}/debrief").text
    assert "Missed: they were in front of you" in page
    assert f"/attempts/{world.attempt_a}/passages/arrival?cue=1" in page
    assert "Replay from here" in page


# --------------------------------------------------------------------------- analytics, report, CSV


def test_analytics(world: World):
    l2 = signed_in(world.app, "learner2")
    play(l2, GOOD, NOTES)
    Player(l2).start()  # stays at the first passage
    page = world.t1.get(f"/trainer/cohorts/{world.cohort_a}/analytics")
    assert page.status_code == 200
    text = page.text
    assert "<svg" in text
    # arrival -> alone: learner2's finished attempt only (learner1 went in front)
    assert 'class="count">1</text>' in text
    assert "Where learners stop" in text and "Arrival" in text
    assert "heat-bad-" in text and "heat-good-" in text
    assert "Boss holds passport or ID" in text
    assert "Interview practices most often broken" in text
    assert "Referrals made against the ideal" in text
    version = re.search(r'<option value="(\d+)" selected>', text).group(1)
    assert (
        world.t1.get(f"/trainer/cohorts/{world.cohort_a}/analytics?version={version}").status_code
        == 200
    )
    # cohort B's version picker does not offer what only cohort A played
    other = world.t2.get(f"/trainer/cohorts/{world.cohort_b}/analytics").text
    assert "2 attempts" not in other


def test_analytics_without_attempts(world: World):
    base = f"/trainer/cohorts/{world.cohort_a}"
    post(world.t1, f"{base}/assignments/{world.assignment_a}/delete")
    page = world.t1.get(f"{base}/analytics")
    assert page.status_code == 200 and "has played an assigned module yet" in page.text


def test_after_action_report(world: World):
    l2 = signed_in(world.app, "learner2")
    play(l2, BAD)
    page = world.t1.get(f"/trainer/cohorts/{world.cohort_a}/report").text
    assert "After-action report" in page
    assert "Boss holds passport or ID" in page and "2 of 2" in page  # missed by both
    # the recommendation text comes from the catalogue
    from trainer.config import ROOT
    from trainer.story.loader import load_catalogue

    catalogue = load_catalogue(ROOT / "stories" / "catalogue")
    text = catalogue.indicators["coercion-destination.document-retention"].recommendation
    assert text and text.split()[0] in page
    assert "Recommendations" in page and "js-print" in page


def test_csv_exports(world: World):
    with world.app.app_context():
        session = get_session()
        user = session.get(User, world.learner1)
        user.display_name = '=HYPERLINK("http://evil","x")'
        session.add(user)
        session.commit()
    base = f"/trainer/cohorts/{world.cohort_a}/export"
    response = world.t1.get(f"{base}/attempts.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    raw = response.data
    assert raw.startswith("\ufeff".encode())
    assert b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0][:3] == ["attempt_id", "username", "display_name"]
    assert rows[1][2] == '\'=HYPERLINK("http://evil","x")'
    assert len(rows) == 2  # only cohort A's attempt
    steps = list(
        csv.reader(io.StringIO(world.t1.get(f"{base}/steps.csv").data.decode("utf-8-sig")))
    )
    assert [r[7] for r in steps[1:]] == BAD
    indicators = list(
        csv.reader(io.StringIO(world.t1.get(f"{base}/indicators.csv").data.decode("utf-8-sig")))
    )
    statuses = {r[3]: r[4] for r in indicators[1:]}
    assert statuses["coercion-destination.document-retention"] == "missed"
    # a streamed download gives its database connection back
    assert world.app.extensions["trainer.engine"].pool.checkedout() == 0


def test_csv_cell_neutralises_formulas():
    from trainer.services.reports import csv_cell

    for bad in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"):
        assert csv_cell(bad) == "'" + bad
    assert csv_cell("fine") == "fine" and csv_cell(-3) == -3 and csv_cell(None) == ""


# --------------------------------------------------------------------------- roles
# Granting roles in the browser is on the admin pages: tests/web/test_admin.py.


def test_cli_grant(app: Flask, monkeypatch: pytest.MonkeyPatch, database_url, stories_dir):
    from trainer.cli import main

    monkeypatch.setenv("TRAINER_DATABASE_URL", database_url)
    monkeypatch.setenv("TRAINER_STORIES_DIR", str(stories_dir))
    monkeypatch.setenv("TRAINER_SECRET_KEY", "cli")
    make_user(app, "someone")
    runner = CliRunner()
    result = runner.invoke(main, ["grant", "someone", "trainer"])
    assert result.exit_code == 0, result.output
    assert "someone now holds: learner trainer" in result.output
    result = runner.invoke(main, ["grant", "nobody", "trainer"])
    assert result.exit_code == 1 and "no user called" in result.output
    result = runner.invoke(main, ["grant", "someone", "trainer", "--revoke"])
    assert result.exit_code == 0 and "someone now holds: learner." in result.output
