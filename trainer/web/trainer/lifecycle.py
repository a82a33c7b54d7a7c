"""A trainer's cohorts: the list, creating, renaming, a new join code, deleting."""

from __future__ import annotations

from flask import flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from trainer.db import get_session
from trainer.services import cohorts
from trainer.services.cohorts import CohortError
from trainer.web.auth import current_row
from trainer.web.trainer.blueprint import bp
from trainer.web.trainer.forms import CohortForm
from trainer.web.trainer.shared import _cohort, _error, _render


@bp.route("/")
def index() -> str:
    """The trainer's cohorts and the form to create one."""
    return _render(
        "trainer/index.html",
        summaries=cohorts.trained_cohorts(get_session(), current_row()),
        form=CohortForm(),
    )


@bp.route("/cohorts", methods=["POST"])
def create() -> str | BaseResponse:
    """Create a cohort; its page shows the join code and link."""
    form = CohortForm()
    if not form.validate_on_submit():
        summaries = cohorts.trained_cohorts(get_session(), current_row())
        return _render("trainer/index.html", summaries=summaries, form=form), 400  # type: ignore[return-value]
    try:
        cohort = cohorts.create_cohort(get_session(), current_row(), form.name.data or "")
    except CohortError as exc:
        flash(_error(exc), "error")
        return redirect(url_for("trainer.index"))
    flash(
        _("Cohort created. Give your learners the join code %(code)s.", code=cohort.join_code),
        "success",
    )
    return redirect(url_for("trainer.people", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/rename", methods=["POST"])
def rename(cohort_id: int) -> BaseResponse:
    """Rename the cohort."""
    found = _cohort(cohort_id)
    form = CohortForm()
    if form.validate_on_submit():
        cohorts.rename_cohort(get_session(), found, form.name.data or "")
        flash(_("The cohort is renamed."), "success")
    else:
        flash(_("Give the cohort a name."), "error")
    return redirect(url_for("trainer.people", cohort_id=cohort_id))


@bp.route("/cohorts/<int:cohort_id>/code", methods=["POST"])
def new_code(cohort_id: int) -> BaseResponse:
    """Replace the join code (the old code and link stop working)."""
    found = _cohort(cohort_id)
    try:
        code = cohorts.regenerate_code(get_session(), found)
    except CohortError as exc:
        flash(_error(exc), "error")
    else:
        flash(
            _("The new join code is %(code)s; the old one no longer works.", code=code), "success"
        )
    return redirect(url_for("trainer.people", cohort_id=cohort_id))


@bp.route("/cohorts/<int:cohort_id>/delete", methods=["POST"])
def delete(cohort_id: int) -> BaseResponse:
    """Delete the cohort (owner only); learners keep their attempts."""
    found = _cohort(cohort_id)
    try:
        cohorts.delete_cohort(get_session(), current_row(), found)
    except CohortError as exc:
        flash(_error(exc), "error")
        return redirect(url_for("trainer.people", cohort_id=cohort_id))
    flash(_("The cohort is deleted. Learners keep their attempts."), "success")
    return redirect(url_for("trainer.index"))
