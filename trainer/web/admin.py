"""Blueprint ``admin``: users and their roles, the effective settings, database backups.

Views only parse the request, call :mod:`trainer.services.admin` and render.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.engine import Engine
from werkzeug.wrappers import Response

from trainer.db import get_session
from trainer.services import admin
from trainer.services.progress import NotFound
from trainer.web.auth import current_user_id, require_sign_in

bp = Blueprint("admin", __name__, url_prefix="/admin")

_ERRORS = {
    "role": _l("Unknown role."),
    "keep-learner": _l("Every user keeps the learner role."),
    "own-admin": _l("You cannot withdraw your own admin role; another admin can."),
    "last-admin": _l("This is the last admin: grant the admin role to someone else first."),
}


require_sign_in(bp, "admin")


@bp.app_template_global()
def role_names() -> dict[str, str]:
    """Translated names of the site-wide roles."""
    return {
        "learner": _("Learner"),
        "trainer": _("Trainer"),
        "author": _("Author"),
        "admin": _("Admin"),
    }


def _engine() -> Engine:
    engine: Engine = current_app.extensions["trainer.engine"]
    return engine


@bp.route("/")
def index() -> str:
    """Every user, searchable by username or display name, 50 a page."""
    query = request.args.get("q", "").strip()
    page = request.args.get("page", 1, type=int) or 1
    found = admin.list_users(get_session(), query, page)
    return render_template("admin/index.html", found=found, q=query)


@bp.route("/users/<int:user_id>")
def user(user_id: int) -> str:
    """One user: figures, and the roles with a button to grant or withdraw each."""
    try:
        row = admin.get_user(get_session(), user_id)
    except NotFound:
        abort(404)
    return render_template(
        "admin/user.html", row=row, grantable=admin.GRANTABLE, is_self=user_id == current_user_id()
    )


@bp.route("/users/<int:user_id>/roles", methods=["POST"])
def change_role(user_id: int) -> Response:
    """Grant or withdraw one role (``role``, ``action`` = grant | withdraw)."""
    grant = request.form.get("action") != "withdraw"
    try:
        changed = admin.change_role(
            get_session(), current_user_id(), user_id, request.form.get("role", ""), grant
        )
    except NotFound:
        abort(404)
    except admin.AdminError as exc:
        flash(str(_ERRORS.get(str(exc), _l("That cannot be done."))), "error")
    else:
        names = role_names()
        held = ", ".join(names.get(r, r) for r in changed.roles.split())
        flash(_("%(name)s now holds: %(roles)s.", name=changed.username, roles=held), "success")
    return redirect(url_for("admin.user", user_id=user_id))


@bp.route("/settings")
def settings() -> str:
    """The effective configuration an admin cares about, read-only (never SECRET_KEY)."""
    return render_template(
        "admin/settings.html",
        database=admin.database_info(_engine().url),
        instance_path=current_app.instance_path,
    )


@bp.route("/backup", methods=["GET", "POST"])
def backup() -> str | Response:
    """SQLite: a POST downloads a consistent copy. PostgreSQL: how to run pg_dump."""
    database = admin.database_info(_engine().url)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M")
    if request.method == "GET" or not database.is_sqlite:
        return render_template("admin/backup.html", database=database, stamp=stamp)
    copy = admin.backup_sqlite(_engine())
    size = os.fstat(copy.fileno()).st_size
    response = send_file(
        copy,
        mimetype="application/vnd.sqlite3",
        as_attachment=True,
        download_name=f"trainer-{stamp}.sqlite",
        max_age=0,
        etag=False,
        conditional=False,
    )
    response.headers["Content-Length"] = str(size)
    response.headers["Cache-Control"] = "no-store"
    return response
