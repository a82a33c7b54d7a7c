"""Blueprint ``auth``: register, sign in and out, change password, interface language."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from sqlalchemy import Table, bindparam, select
from werkzeug.wrappers import Response

from trainer.db import get_session
from trainer.models import User, holds_role
from trainer.services import accounts
from trainer.web.forms import LoginForm, PasswordForm, RegisterForm

bp = Blueprint("auth", __name__, url_prefix="/auth")
login_manager = LoginManager()


def init_app(app: Flask) -> None:
    """Set up Flask-Login."""
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = ""
    login_manager.session_protection = "strong"


class _LoginUser:
    """The signed-in person, as Flask-Login expects, loaded with one Core query.

    Every request loads the user, so the loader reads the few columns pages need with a
    cached Core statement instead of building an ORM object (about a tenth of a
    millisecond saved per request, on every step). The ORM row, which services that
    change the account need, is loaded only when :attr:`row` is first read.
    """

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, id: int, username: str, display_name: str, roles: str, locale: str):
        self.id = id
        self.username = username
        self.display_name = display_name
        self.roles = roles
        self.locale = locale
        self._row: User | None = None

    @classmethod
    def of(cls, user: User) -> _LoginUser:
        """Wrap a row the view already has (sign-in, registration)."""
        assert user.id is not None
        login = cls(user.id, user.username, user.display_name, user.roles, user.locale)
        login._row = user
        return login

    def get_id(self) -> str:
        return str(self.id)

    def has_role(self, role: str) -> bool:
        """Does the user hold ``role``? (Admins hold every role.)"""
        return holds_role(self.roles, role)

    @property
    def row(self) -> User:
        """The ORM row, loaded on first use (only pages that change the account need it)."""
        if self._row is None:
            row = get_session().get(User, self.id)
            if row is None:  # deleted while signed in: the request was already authorised
                abort(404)
            self._row = row
        return self._row


_USERS: Table = User.__table__  # type: ignore[attr-defined]
_USER_COLUMNS = select(
    _USERS.c.id, _USERS.c.username, _USERS.c.display_name, _USERS.c.roles, _USERS.c.locale
).where(_USERS.c.id == bindparam("id"))


@login_manager.user_loader
def _load_user(user_id: str) -> _LoginUser | None:
    if not user_id.isdigit():
        return None
    found = get_session().connection().execute(_USER_COLUMNS, {"id": int(user_id)}).first()
    return _LoginUser(*found) if found else None


def require_sign_in(blueprint: Blueprint, role: str | None = None) -> None:
    """Every page of ``blueprint`` needs a signed-in user (else the sign-in page, which
    comes back here) holding ``role`` when one is given (else 403)."""

    @blueprint.before_request
    def _guard() -> Response | None:
        if not current_user.is_authenticated:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        if role is not None and not current_user.has_role(role):
            abort(403)
        return None


def current_row() -> User:
    """The signed-in user's database row."""
    row: User = current_user.row
    return row


def current_user_id() -> int:
    """The signed-in user's id, without loading the row."""
    return int(current_user.id)


def _safe_next(target: str | None) -> str:
    """Only same-site relative paths: no open redirects."""
    if target and target.startswith("/") and not target.startswith("//"):
        if not urlsplit(target).netloc:
            return target
    return url_for("learner.catalogue")


@bp.route("/register", methods=["GET", "POST"])
def register() -> str | Response:
    """Create an account (when self-registration is on)."""
    if not current_app.config["REGISTRATION_OPEN"]:
        return render_template("auth/closed.html"), 403  # type: ignore[return-value]
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.create_user(
                get_session(),
                form.username.data or "",
                form.password.data or "",
                form.display_name.data or "",
            )
        except accounts.AccountError as exc:
            if str(exc) == "taken":
                form.username.errors.append(_("This username is taken; choose another."))
            else:
                form.username.errors.append(_("This username or password is not allowed."))
        else:
            session.clear()
            login_user(_LoginUser.of(user))
            flash(_("Welcome! Your account is ready."), "success")
            # A join link (or any page) that sent the person here comes first.
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login() -> str | Response:
    """Sign in; repeated failures make the next try wait."""
    form = LoginForm()
    if form.validate_on_submit():
        try:
            user = accounts.authenticate(
                get_session(),
                form.username.data or "",
                form.password.data or "",
                current_app.config["LOGIN_FREE_FAILURES"],
                current_app.config["LOGIN_MAX_DELAY_SECONDS"],
                client=request.remote_addr or "",
            )
        except accounts.AccountError as exc:
            reason = str(exc)
            if reason.startswith("wait:"):
                form.password.errors.append(
                    _(
                        "Too many failed sign-ins. Try again in %(n)s seconds.",
                        n=reason.split(":")[1],
                    )
                )
            else:
                form.password.errors.append(_("Wrong username or password."))
            return render_template("auth/login.html", form=form), 401  # type: ignore[return-value]
        next_url = _safe_next(request.args.get("next"))
        session.clear()
        login_user(_LoginUser.of(user), remember=bool(form.remember.data))
        return redirect(next_url)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Sign out (POST, so a link on another site cannot sign you out)."""
    logout_user()
    session.clear()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> str | Response:
    """Change the password."""
    form = PasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                get_session(), current_row(), form.current.data or "", form.password.data or ""
            )
        except accounts.AccountError:
            form.current.errors.append(_("The current password is wrong."))
        else:
            flash(_("Your password was changed."), "success")
            return redirect(url_for("learner.catalogue"))
    return render_template("auth/password.html", form=form)


@bp.route("/language", methods=["POST"])
def language() -> Response:
    """Set the interface language (kept on the account when signed in)."""
    code = request.form.get("language", "")
    if code not in current_app.config["LANGUAGES"]:
        abort(400)
    session["locale"] = code
    if current_user.is_authenticated:
        accounts.set_locale(get_session(), current_row(), code)
    return redirect(_safe_next(request.form.get("next")))
