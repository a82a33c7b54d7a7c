"""The old roles page: roles are granted on the admin pages now (``/admin/``); its URL
still works, so bookmarks and links land there."""

from __future__ import annotations

from flask import abort, redirect, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

from trainer.web.trainer.blueprint import bp


@bp.route("/roles")
def roles() -> BaseResponse:
    """Admins are sent to the user list of the admin pages; anyone else gets a 403."""
    if "admin" not in current_user.roles.split():
        abort(403)
    return redirect(url_for("admin.index"))
