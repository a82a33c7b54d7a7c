"""The people tab: a cohort's learners and trainers, taking a learner out, co-trainers."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse

from trainer.db import get_session
from trainer.models import Cohort
from trainer.services import cohorts
from trainer.services.cohorts import CohortError
from trainer.services.progress import NotFound
from trainer.web.auth import current_row
from trainer.web.trainer.blueprint import bp
from trainer.web.trainer.forms import CohortForm, CoTrainerForm
from trainer.web.trainer.shared import _cohort, _error, _in_cohort, _render


def _people_page(found: Cohort, trainer_form: CoTrainerForm) -> str:
    """The people tab, with the co-trainer form fresh or holding the errors of a POST."""
    session = get_session()
    return _render(
        "trainer/people.html",
        found,
        members=cohorts.members(session, found),
        trainers=cohorts.trainers(session, found),
        trainer_form=trainer_form,
        name_form=CohortForm(name=found.name),
        tab="people",
    )


@bp.route("/cohorts/<int:cohort_id>/people")
def people(cohort_id: int) -> str:
    """Learners, trainers, the join code and link, renaming and deleting."""
    return _people_page(_cohort(cohort_id), CoTrainerForm())


@bp.route("/cohorts/<int:cohort_id>/members/<int:user_id>/remove", methods=["POST"])
def remove_member(cohort_id: int, user_id: int) -> BaseResponse:
    """Take a learner out of the cohort."""
    user = _in_cohort(cohorts.remove_member, _cohort(cohort_id), user_id)
    flash(_("%(name)s is no longer in this cohort.", name=user.display_name), "success")
    return redirect(url_for("trainer.people", cohort_id=cohort_id))


@bp.route("/cohorts/<int:cohort_id>/trainers", methods=["POST"])
def add_trainer(cohort_id: int) -> str | BaseResponse:
    """Add a co-trainer by username."""
    found = _cohort(cohort_id)
    form = CoTrainerForm()
    if form.validate_on_submit():
        try:
            user = cohorts.add_trainer(get_session(), found, form.username.data or "")
        except CohortError as exc:
            form.username.errors.append(_error(exc))
        else:
            flash(_("%(name)s is now a co-trainer.", name=user.display_name), "success")
            return redirect(url_for("trainer.people", cohort_id=cohort_id))
    return _people_page(found, form), 400  # type: ignore[return-value]


@bp.route("/cohorts/<int:cohort_id>/trainers/<int:user_id>/remove", methods=["POST"])
def remove_trainer(cohort_id: int, user_id: int) -> BaseResponse:
    """Remove a co-trainer (owner), or step down as one."""
    found = _cohort(cohort_id)
    try:
        user = cohorts.remove_trainer(get_session(), current_row(), found, user_id)
    except NotFound:
        abort(404)
    except CohortError as exc:
        flash(_error(exc), "error")
        return redirect(url_for("trainer.people", cohort_id=cohort_id))
    flash(_("%(name)s no longer runs this cohort.", name=user.display_name), "success")
    if user.id == current_row().id:
        return redirect(url_for("trainer.index"))
    return redirect(url_for("trainer.people", cohort_id=cohort_id))
