"""Admins grant or withdraw site-wide roles (reached from the trainer pages)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from trainer.db import get_session
from trainer.services import cohorts
from trainer.services.cohorts import CohortError
from trainer.web.auth import current_row
from trainer.web.trainer.blueprint import bp
from trainer.web.trainer.forms import RoleForm
from trainer.web.trainer.shared import _error


@bp.route("/roles", methods=["GET", "POST"])
def roles() -> str | BaseResponse:
    """Admins grant or withdraw the trainer (or author, admin) role."""
    if "admin" not in current_row().roles.split():
        abort(403)
    form = RoleForm()
    if form.validate_on_submit():
        grant = request.form.get("action") != "revoke"
        try:
            user = cohorts.set_role(
                get_session(), form.username.data or "", form.role.data or "", grant
            )
        except CohortError as exc:
            form.username.errors.append(_error(exc))
        else:
            message = _("%(name)s now holds: %(roles)s.", name=user.username, roles=user.roles)
            flash(message, "success")
            return redirect(url_for("trainer.roles"))
    return render_template("trainer/roles.html", form=form)
