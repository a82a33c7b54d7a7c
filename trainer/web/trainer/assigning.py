"""The assignments tab: the list, assigning a module, changing or removing an assignment."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from flask import flash, redirect, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response as BaseResponse
from wtforms import SelectChoice

from trainer.db import get_session
from trainer.models import Assignment, Cohort, utcnow
from trainer.services import cohorts
from trainer.services.cohorts import AssignmentInput, CohortError
from trainer.web.trainer.blueprint import bp
from trainer.web.trainer.forms import AssignmentForm
from trainer.web.trainer.shared import _cohort, _error, _in_cohort, _pass_marks, _render, _titles


@bp.route("/cohorts/<int:cohort_id>/assignments")
def assignments(cohort_id: int) -> str:
    """The cohort's assignments with their settings."""
    found = _cohort(cohort_id)
    session = get_session()
    names = {u.id: u.display_name for u, _j in cohorts.members(session, found)}
    return _render(
        "trainer/assignments.html",
        found,
        assignments=cohorts.assignments(session, found),
        titles=_titles(),
        names=names,
        tab="assignments",
    )


def _date_at(day: date | None, end: bool = False) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time(23, 59, 59) if end else time(0, 0), tzinfo=UTC)


def _assignment_form(found: Cohort, obj: Assignment | None = None) -> AssignmentForm:
    form = AssignmentForm()
    marks = _pass_marks()
    titles = _titles(include_drafts=False)
    form.story.choices = [
        SelectChoice(sid, _("%(title)s (pass mark %(mark)s)", title=title, mark=marks.get(sid, 70)))
        for sid, title in titles.items()
    ]
    if obj is not None and obj.story_id not in titles:
        title = _titles().get(obj.story_id, obj.story_id)
        form.story.choices.append(SelectChoice(obj.story_id, title))
    form.learner.choices = [SelectChoice("", _("Everyone in the cohort"))] + [
        SelectChoice(str(u.id), f"{u.display_name} ({u.username})")
        for u, _j in cohorts.members(get_session(), found)
    ]
    if request.method == "GET":
        if obj is not None:
            form.story.data = obj.story_id
            form.learner.data = str(obj.user_id or "")
            form.open_date.data = obj.open_at.date() if obj.open_at else None
            form.due_date.data = obj.due_at.date() if obj.due_at else None
            form.pass_mark.data = obj.pass_mark
            form.mode.data = "graded" if obj.graded else "practice"
            form.counts.data = obj.counts
        else:
            form.open_date.data = utcnow().date()
    return form


def _assignment_input(form: AssignmentForm) -> AssignmentInput:
    learner = form.learner.data or ""
    return AssignmentInput(
        story_id=form.story.data or "",
        user_id=int(learner) if learner.isdigit() else None,
        open_at=_date_at(form.open_date.data),
        due_at=_date_at(form.due_date.data, end=True),
        pass_mark=form.pass_mark.data,
        graded=form.mode.data != "practice",
        counts=form.counts.data or "best",
    )


@bp.route("/cohorts/<int:cohort_id>/assignments/new", methods=["GET", "POST"])
def new_assignment(cohort_id: int) -> str | BaseResponse:
    """Assign a module: dates, pass mark, graded or practice, which attempt counts."""
    found = _cohort(cohort_id)
    form = _assignment_form(found)
    if form.validate_on_submit():
        data = _assignment_input(form)
        try:
            cohorts.create_assignment(
                get_session(), found, data, _pass_marks().get(data.story_id, 70)
            )
        except CohortError as exc:
            flash(_error(exc), "error")
        else:
            flash(_("The module is assigned."), "success")
            return redirect(url_for("trainer.cohort", cohort_id=cohort_id))
    status = 400 if request.method == "POST" else 200
    return _render(  # type: ignore[return-value]
        "trainer/assignment_form.html", found, form=form, assignment=None, tab="assignments"
    ), status


@bp.route("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>/edit", methods=["GET", "POST"])
def edit_assignment(cohort_id: int, assignment_id: int) -> str | BaseResponse:
    """Change an assignment's dates, pass mark, kind or counting rule."""
    found = _cohort(cohort_id)
    assignment = _in_cohort(cohorts.get_assignment, found, assignment_id)
    form = _assignment_form(found, assignment)
    form.story.data = assignment.story_id  # the module of an assignment never changes
    if form.validate_on_submit():
        data = _assignment_input(form)
        try:
            cohorts.update_assignment(
                get_session(), found, assignment, data, _pass_marks().get(data.story_id, 70)
            )
        except CohortError as exc:
            flash(_error(exc), "error")
        else:
            flash(_("The assignment is saved."), "success")
            return redirect(url_for("trainer.assignments", cohort_id=cohort_id))
    status = 400 if request.method == "POST" else 200
    return _render(  # type: ignore[return-value]
        "trainer/assignment_form.html",
        found,
        form=form,
        assignment=assignment,
        tab="assignments",
    ), status


@bp.route("/cohorts/<int:cohort_id>/assignments/<int:assignment_id>/delete", methods=["POST"])
def delete_assignment(cohort_id: int, assignment_id: int) -> BaseResponse:
    """Remove an assignment; attempts are kept."""
    found = _cohort(cohort_id)
    assignment = _in_cohort(cohorts.get_assignment, found, assignment_id)
    cohorts.delete_assignment(get_session(), assignment)
    flash(_("The assignment is removed. Attempts are kept."), "success")
    return redirect(url_for("trainer.assignments", cohort_id=cohort_id))
