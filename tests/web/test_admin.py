"""Admin pages: who may enter, the user list (search, pages), granting and withdrawing
roles (never one's own admin role, never the last admin), the old ``/trainer/roles`` URL,
the settings page (no secrets) and the database backup (SQLite download, pg_dump advice
on PostgreSQL)."""

from __future__ import annotations

import re
import sqlite3
import tempfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.engine import make_url
from sqlmodel import select

from tests.web.conftest import PG_URL, Player
from tests.web.test_trainer import PASSWORD, make_user, post, signed_in, token
from trainer import create_app
from trainer.db import get_session
from trainer.models import User
from trainer.services import admin as service

ADMIN_ROUTES = [
    ("GET", "/admin/", "admin.index"),
    ("GET", "/admin/users/{id}", "admin.user"),
    ("POST", "/admin/users/{id}/roles", "admin.change_role"),
    ("GET", "/admin/settings", "admin.settings"),
    ("GET", "/admin/backup", "admin.backup"),
    ("POST", "/admin/backup", "admin.backup"),
]


def roles_of(app: Flask, username: str) -> str:
    with app.app_context():
        user = get_session().exec(select(User).where(User.username == username)).one()
        return user.roles


def change(client: FlaskClient, user_id: int, role: str, action: str, **kw):
    return post(client, f"/admin/users/{user_id}/roles", {"role": role, "action": action}, **kw)


@pytest.fixture
def boss(app: Flask) -> int:
    """An admin, ``boss``."""
    return make_user(app, "boss", "admin", "The Boss")


# --------------------------------------------------------------------------- access


def test_every_admin_route_is_covered_here(app: Flask):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("admin.")}
    assert endpoints == {e for _m, _u, e in ADMIN_ROUTES}


def test_signed_out_is_sent_to_sign_in(app: Flask, boss: int):
    anonymous = app.test_client()
    for method, url, _e in ADMIN_ROUTES:
        url = url.format(id=boss)
        if method == "GET":
            response = anonymous.get(url)
        else:
            data = {"csrf_token": token(anonymous, "/auth/login"), "role": "trainer"}
            response = anonymous.post(url, data=data)
        assert response.status_code == 302, url
        assert "/auth/login" in response.headers["Location"], url


@pytest.mark.parametrize("roles", ["", "trainer", "author", "trainer author"])
def test_only_admins_enter(app: Flask, boss: int, roles: str):
    make_user(app, "someone", roles)
    client = signed_in(app, "someone")
    for method, url, _e in ADMIN_ROUTES:
        url = url.format(id=boss)
        if method == "GET":
            response = client.get(url)
        else:
            response = post(client, url, {"role": "admin", "action": "withdraw"})
        assert response.status_code == 403, (method, url)
    assert "admin" in roles_of(app, "boss").split()
    assert 'href="/admin/"' not in client.get("/").text


def test_admin_sees_the_admin_link(app: Flask, boss: int):
    page = signed_in(app, "boss").get("/").text
    assert 'href="/admin/"' in page


def test_old_roles_url_redirects_admins(app: Flask, boss: int):
    response = signed_in(app, "boss").get("/trainer/roles")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/admin/")
    make_user(app, "coach", "trainer")
    assert signed_in(app, "coach").get("/trainer/roles").status_code == 403  # not an admin
    make_user(app, "learner1")
    assert signed_in(app, "learner1").get("/trainer/roles").status_code == 403
    anonymous = app.test_client().get("/trainer/roles")
    assert anonymous.status_code == 302 and "/auth/login" in anonymous.headers["Location"]


# --------------------------------------------------------------------------- users


def add_users(app: Flask, names: list[tuple[str, str]]) -> None:
    """Users without a usable password, quickly (no password hashing)."""
    with app.app_context():
        session = get_session()
        for username, display_name in names:
            session.add(User(username=username, display_name=display_name, password_hash="-"))
        session.commit()


def usernames(page: str) -> list[str]:
    return re.findall(r'<a href="/admin/users/\d+">([^<]+)</a>', page)


def test_users_are_listed_fifty_a_page(app: Flask, boss: int):
    add_users(app, [(f"user{n:03d}", f"Person {n}") for n in range(60)])
    client = signed_in(app, "boss")
    first = client.get("/admin/").text
    assert "Users: 61" in first
    assert usernames(first) == ["boss", *(f"user{n:03d}" for n in range(49))]
    assert 'href="/admin/?page=2" rel="next"' in first and "Page 1 of 2" in first
    second = client.get("/admin/?page=2").text
    assert usernames(second) == [f"user{n:03d}" for n in range(49, 60)]
    assert 'href="/admin/?page=1" rel="prev"' in second and 'rel="next"' not in second
    assert usernames(client.get("/admin/?page=99").text) == usernames(second)  # the last page
    assert usernames(client.get("/admin/?page=x").text) == usernames(first)


def test_search_by_username_or_display_name(app: Flask, boss: int):
    add_users(
        app,
        [("a_b", "Aigul Bekova"), ("axb", "Someone"), ("ivan", "Иван Петров")]
        + [(f"zz{n:03d}", "Filler Abc") for n in range(55)],
    )
    client = signed_in(app, "boss")
    assert usernames(client.get("/admin/?q=a_b").text) == ["a_b"]  # _ is not a wildcard
    assert usernames(client.get("/admin/?q=BEKOVA").text) == ["a_b"]  # display name, any case
    assert usernames(client.get("/admin/?q=Петров").text) == ["ivan"]
    page = client.get("/admin/?q=nobody-at-all").text
    assert usernames(page) == [] and "nobody-at-all" in page
    # the search is kept across pages
    page = client.get("/admin/?q=filler").text
    assert len(usernames(page)) == 50 and "Users matching “filler”: 55" in page
    assert 'href="/admin/?q=filler&amp;page=2"' in page
    assert len(usernames(client.get("/admin/?q=filler&page=2").text)) == 5


def test_the_list_shows_roles_attempts_and_last_activity(
    app: Flask, boss: int, client: FlaskClient, auth, player: Player
):
    auth.register("learner1", PASSWORD)
    player.start()
    player.start()
    page = signed_in(app, "boss").get("/admin/?q=learner1").text
    row = page[page.index("learner1</a>") :].split("</tr>")[0]
    assert "Learner" in row and '<td class="num">2</td>' in row
    assert len(re.findall(r"<time ", row)) == 2  # created, last activity
    boss_row = signed_in(app, "boss").get("/admin/?q=boss").text
    assert "Learner, Admin" in boss_row and '<td class="num">0</td>' in boss_row


# --------------------------------------------------------------------------- roles


def test_admin_grants_and_withdraws_roles(app: Flask, boss: int):
    learner = make_user(app, "learner1")
    student = signed_in(app, "learner1")
    admin = signed_in(app, "boss")
    assert student.get("/trainer/").status_code == 403
    page = admin.get(f"/admin/users/{learner}").text
    assert "Learner1" in page and page.count('value="grant"') == 3
    response = change(admin, learner, "trainer", "grant", follow_redirects=True)
    assert "learner1 now holds: Learner, Trainer." in response.text
    assert roles_of(app, "learner1") == "learner trainer"
    assert student.get("/trainer/").status_code == 200
    change(admin, learner, "author", "grant")
    assert roles_of(app, "learner1") == "learner trainer author"
    response = change(admin, learner, "trainer", "withdraw")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/users/{learner}")
    assert roles_of(app, "learner1") == "learner author"
    assert student.get("/trainer/").status_code == 403
    # admin: granted, then withdrawn by another admin
    change(admin, learner, "admin", "grant")
    assert student.get("/admin/").status_code == 200
    change(admin, learner, "admin", "withdraw")
    assert student.get("/admin/").status_code == 403


def test_refused_role_changes(app: Flask, boss: int):
    learner = make_user(app, "learner1")
    admin = signed_in(app, "boss")
    response = change(admin, learner, "learner", "withdraw", follow_redirects=True)
    assert "Every user keeps the learner role." in response.text
    response = change(admin, learner, "emperor", "grant", follow_redirects=True)
    assert "Unknown role." in response.text
    assert roles_of(app, "learner1") == "learner"
    assert change(admin, 999_999, "trainer", "grant").status_code == 404
    assert admin.get("/admin/users/999999").status_code == 404
    # without the CSRF token nothing happens
    response = admin.post(
        f"/admin/users/{learner}/roles", data={"role": "trainer", "action": "grant"}
    )
    assert response.status_code == 400
    assert roles_of(app, "learner1") == "learner"


def test_an_admin_cannot_withdraw_their_own_admin_role(app: Flask, boss: int):
    admin = signed_in(app, "boss")
    page = admin.get(f"/admin/users/{boss}").text
    assert "You cannot withdraw your own admin role" in page
    assert 'name="action" value="withdraw"' not in page  # no button for it
    response = change(admin, boss, "admin", "withdraw", follow_redirects=True)
    assert "You cannot withdraw your own admin role" in response.text
    assert "admin" in roles_of(app, "boss").split()
    # another admin can
    other = make_user(app, "deputy", "admin")
    response = change(signed_in(app, "deputy"), boss, "admin", "withdraw", follow_redirects=True)
    assert "boss now holds: Learner." in response.text
    assert signed_in(app, "boss").get("/admin/").status_code == 403
    # and the deputy, now the only admin, keeps the role
    deputy = signed_in(app, "deputy")
    change(deputy, other, "admin", "withdraw")
    assert deputy.get("/admin/").status_code == 200


def test_the_last_admin_keeps_the_role(app: Flask, boss: int):
    someone = make_user(app, "someone")
    with app.app_context():
        session = get_session()
        with pytest.raises(service.AdminError, match="last-admin"):
            service.change_role(session, someone, boss, "admin", grant=False)
        assert "admin" in session.get(User, boss).roles.split()
        second = make_user(app, "second", "admin")
        user = service.change_role(session, someone, boss, "admin", grant=False)
        assert user.roles == "learner"
        with pytest.raises(service.AdminError, match="last-admin"):
            service.change_role(session, someone, second, "admin", grant=False)


# --------------------------------------------------------------------------- settings


@pytest.fixture
def app_with_password(tmp_path: Path, stories_dir: Path, database_url: str):
    """The app with a password in its database URL where the backend has one (PostgreSQL
    with trust authentication accepts and ignores it)."""
    url = database_url
    if PG_URL:
        url = url.replace("postgresql://postgres@", "postgresql://postgres:pg-pass-6789@", 1)
        assert "pg-pass-6789" in url
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "very-secret-key-12345",
            "DATABASE_URL": url,
            "STORIES_DIR": str(stories_dir),
            "REGISTRATION_OPEN": False,
            "LOGIN_FREE_FAILURES": 4,
            "LOGIN_MAX_DELAY_SECONDS": 600,
        }
    )
    yield app
    app.extensions["trainer.engine"].dispose()


def test_settings_show_the_configuration_but_no_secret(app_with_password: Flask, stories_dir):
    app = app_with_password
    make_user(app, "boss", "admin")
    page = signed_in(app, "boss").get("/admin/settings").text
    assert "very-secret-key-12345" not in page and "pg-pass-6789" not in page
    assert "Closed: accounts are created on the server" in page
    assert str(stories_dir) in page
    assert "Русский" in page and "Кыргызча" in page
    assert "After 4 failed sign-ins" in page and "up to 600 seconds" in page
    assert "TRAINER_REGISTRATION_OPEN" in page and "TRAINER_DATABASE_URL" in page
    if PG_URL:
        assert "PostgreSQL" in page and "postgres:***@" in page
    else:
        assert "SQLite" in page and "test.sqlite" in page


def test_database_info_hides_the_password():
    info = service.database_info(
        make_url("postgresql+psycopg://alice:hunter2-pw@db.example:5433/trainer")
    )
    assert info.backend == "postgresql" and "hunter2-pw" not in info.url
    assert info.url == "postgresql+psycopg://alice:***@db.example:5433/trainer"
    dump = info.pg_dump("trainer-20250101-0900.dump")
    assert dump == (
        "pg_dump --format=custom --host=db.example --port=5433 --username=alice "
        "--file=trainer-20250101-0900.dump trainer"
    )
    assert "hunter2-pw" not in dump + info.pg_restore("x.dump")
    assert service.database_info(make_url("sqlite:////srv/t.sqlite")).is_sqlite


# --------------------------------------------------------------------------- backup


def test_backup(app: Flask, boss: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    make_user(app, "learner1")
    admin = signed_in(app, "boss")
    page = admin.get("/admin/backup").text
    assert admin.post("/admin/backup").status_code == 400  # no CSRF token
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    response = post(admin, "/admin/backup")
    if PG_URL:
        # PostgreSQL: no download, the page explains pg_dump with the database name
        assert "pg_dump" in page and "Download a backup" not in page
        assert re.search(r"pg_dump --format=custom .*--username=postgres .*test</code>", page)
        assert response.status_code == 200
        assert "pg_dump" in response.text and "Content-Disposition" not in response.headers
        assert not list(scratch.iterdir())
        return
    assert "Download a backup" in page and "pg_dump" not in page
    assert response.status_code == 200
    disposition = response.headers["Content-Disposition"]
    assert re.fullmatch(r"attachment; filename=trainer-\d{8}-\d{4}\.sqlite", disposition)
    assert response.headers["Cache-Control"] == "no-store"
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(response.data)
    response.close()
    assert not list(scratch.iterdir())  # the temporary file is gone
    with sqlite3.connect(copy) as db:
        names = {row[0] for row in db.execute("SELECT username FROM user")}
        mode = db.execute("PRAGMA journal_mode").fetchone()[0]
    assert names == {"boss", "learner1"}
    assert mode == "delete"  # one self-contained file
