"""Accounts: register, sign in, throttling, sign out, password, CSRF, cookies."""

from __future__ import annotations

import pytest
from sqlmodel import select

from tests.web.conftest import csrf_token
from trainer.db import get_session
from trainer.models import User


def test_register_signs_in_and_hashes_password(app, client, auth):
    response = auth.register("Anna.K", "correct-horse")
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    with app.app_context():
        user = get_session().exec(select(User)).one()
    assert user.username == "anna.k"
    assert user.password_hash.startswith("scrypt:")
    assert "correct-horse" not in user.password_hash


@pytest.mark.parametrize(
    ("username", "password", "confirm", "message"),
    [
        ("", "password-1", "password-1", "Choose a username."),
        ("a b", "password-1", "password-1", "no spaces"),
        ("valid", "short", "short", "At least 8 characters."),
        ("valid", "password-1", "password-2", "The two passwords differ."),
    ],
)
def test_register_validation_messages(client, username, password, confirm, message):
    page = client.get("/auth/register")
    response = client.post(
        "/auth/register",
        data={
            "csrf_token": csrf_token(page.text),
            "username": username,
            "password": password,
            "confirm": confirm,
        },
    )
    assert response.status_code == 200
    assert message in response.text


def test_register_taken_username(auth):
    auth.register("same")
    auth.logout()
    response = auth.register("same")
    assert "This username is taken" in response.text


def test_registration_can_be_closed(app, client):
    app.config["REGISTRATION_OPEN"] = False
    assert client.get("/auth/register").status_code == 403


def test_login_logout_and_wrong_password(client, auth):
    auth.register()
    auth.logout()
    assert client.get("/").status_code == 302
    wrong = auth.login(password="nope-nope")
    assert wrong.status_code == 401
    assert "Wrong username or password." in wrong.text
    assert auth.login().status_code == 302
    assert client.get("/").status_code == 200


def test_unknown_user_gets_the_same_message(auth):
    response = auth.login("ghost", "whatever-1")
    assert "Wrong username or password." in response.text


def test_failed_logins_are_slowed_down(client, auth):
    auth.register()
    auth.logout()
    for _ in range(3):  # LOGIN_FREE_FAILURES in the fixture
        auth.login(password="bad-password")
    response = auth.login()  # even the right password must wait now
    assert response.status_code == 401
    assert "Too many failed sign-ins" in response.text
    assert client.get("/").status_code == 302


def test_missing_csrf_token_is_refused_with_a_page(client, auth):
    auth.register()
    response = client.post("/auth/logout", data={})
    assert response.status_code == 400
    assert "The form expired" in response.text
    assert client.get("/").status_code == 200  # still signed in: nothing happened


def test_change_password(client, auth):
    auth.register()
    page = client.get("/auth/password")
    bad = client.post(
        "/auth/password",
        data={
            "csrf_token": csrf_token(page.text),
            "current": "wrong-one",
            "password": "new-password",
            "confirm": "new-password",
        },
    )
    assert "The current password is wrong." in bad.text
    ok = client.post(
        "/auth/password",
        data={
            "csrf_token": csrf_token(page.text),
            "current": "password-1",
            "password": "new-password",
            "confirm": "new-password",
        },
    )
    assert ok.status_code == 302
    auth.logout()
    assert auth.login(password="password-1").status_code == 401
    assert auth.login(password="new-password").status_code == 302


def test_session_cookie_flags(client, auth):
    response = auth.register()
    cookie = response.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_no_open_redirect_after_login(client, auth):
    auth.register()
    auth.logout()
    page = client.get("/auth/login")
    response = client.post(
        "/auth/login?next=//evil.example/x",
        data={
            "csrf_token": csrf_token(page.text),
            "username": "learner1",
            "password": "password-1",
        },
    )
    assert response.headers["Location"] == "/"


def test_language_switch(client, auth):
    auth.register()
    page = client.get("/")
    response = client.post(
        "/auth/language", data={"csrf_token": csrf_token(page.text), "language": "ru", "next": "/"}
    )
    assert response.status_code == 302
    assert '<html lang="ru">' in client.get("/").text
    bad = client.post(
        "/auth/language", data={"csrf_token": csrf_token(page.text), "language": "xx"}
    )
    assert bad.status_code == 400


def test_throttling_is_per_address_so_others_cannot_lock_you_out(app, client, auth):
    auth.register()
    auth.logout()
    attacker = app.test_client()
    for _ in range(4):
        page = attacker.get("/auth/login", environ_base={"REMOTE_ADDR": "10.9.9.9"})
        attacker.post(
            "/auth/login",
            data={"csrf_token": csrf_token(page.text), "username": "learner1", "password": "x"},
            environ_base={"REMOTE_ADDR": "10.9.9.9"},
        )
    assert auth.login().status_code == 302  # the owner, from their own address


def test_signed_out_form_post_leads_to_sign_in(client, auth, player):
    auth.register()
    attempt = player.start()
    page = player.page(attempt).text
    auth.logout()  # as if in another tab
    response = client.post(
        f"/attempts/{attempt}/choose",
        data={"csrf_token": csrf_token(page), "step": "0", "choice": "arrival:1"},
    )
    assert response.status_code == 302 and "/auth/login" in response.headers["Location"]
    assert "You were signed out, so nothing was changed." in client.get("/auth/login").text


def test_register_follows_the_next_link(client):
    login = client.get("/auth/login?next=/history").text
    assert "/auth/register?next=/history" in login or "next=%2Fhistory" in login
    page = client.get("/auth/register?next=/history")
    response = client.post(
        "/auth/register?next=/history",
        data={
            "csrf_token": csrf_token(page.text),
            "username": "joiner",
            "password": "password-1",
            "confirm": "password-1",
        },
    )
    assert response.headers["Location"] == "/history"
