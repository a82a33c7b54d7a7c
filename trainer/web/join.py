"""Blueprint ``join``: a signed-in learner joins a cohort with its code or its link."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from trainer.db import get_session
from trainer.models import Cohort, User
from trainer.services import cohorts
from trainer.services.progress import NotFound
from trainer.web.auth import current_row

bp = Blueprint("join", __name__, url_prefix="/join")


class JoinForm(FlaskForm):
    """The code a trainer gave out."""

    code = StringField(
        _l("Join code"),
        [DataRequired(_l("Enter the join code your trainer gave you.")), Length(max=40)],
    )


@bp.before_request
def _signed_in() -> Response | None:
    """Joining needs an account: sign in first, then come back to the same page."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return None


def _joined(cohort: Cohort, new: bool) -> Response:
    if new:
        message = _("You joined %(name)s. Your assignments are listed first.", name=cohort.name)
        flash(message, "success")
    else:
        flash(_("You are already in %(name)s.", name=cohort.name), "info")
    return redirect(url_for("learner.catalogue"))


@bp.route("/", methods=["GET", "POST"])
def form() -> str | Response | tuple[str, int]:
    """Type a join code."""
    join_form = JoinForm()
    if join_form.validate_on_submit():
        try:
            cohort, new = cohorts.join(get_session(), current_row(), join_form.code.data or "")
        except NotFound:
            join_form.code.errors.append(_("No cohort has this code. Check it with your trainer."))
            return render_template("trainer/join_form.html", form=join_form), 404
        return _joined(cohort, new)
    return render_template("trainer/join_form.html", form=join_form)


@bp.route("/<code>", methods=["GET", "POST"])
def link(code: str) -> str | Response:
    """The join link: a page naming the cohort, with a button (POST, CSRF) to join."""
    session = get_session()
    cohort = cohorts.find_cohort_by_code(session, code)
    if cohort is None:
        abort(404)
    if request.method == "POST":
        try:
            found, new = cohorts.join(session, current_row(), code)
        except NotFound:
            abort(404)
        return _joined(found, new)
    assert cohort.id is not None
    return render_template(
        "trainer/join_link.html",
        cohort=cohort,
        owner=session.get(User, cohort.owner_id),
        member=cohorts.is_member(session, cohort.id, current_row().id or 0),
    )
