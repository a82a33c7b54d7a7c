"""Blueprint ``trainer``: cohorts, assignments, progress matrix, transcripts, analytics,
after-action report, CSV export, and (for admins) granting the trainer role.

Views only parse the request, call :mod:`trainer.services.cohorts` or
:mod:`trainer.services.reports` and render. Ownership is checked in the services: any
cohort, assignment, learner or attempt that is not the trainer's raises ``NotFound``,
which becomes a 404 here.
"""

from __future__ import annotations

import typing as t
from datetime import UTC, date, datetime, time

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response as BaseResponse
from wtforms import IntegerField, RadioField, SelectChoice, SelectField, StringField
from wtforms.fields import DateField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from trainer.db import get_session
from trainer.models import Assignment, Cohort, User, utcnow
from trainer.services import cohorts, progress, reports
from trainer.services.cohorts import AssignmentInput, CohortError
from trainer.services.library import version_story
from trainer.services.progress import NotFound
from trainer.story.catalogue import Catalogue
from trainer.story.layout import layout
from trainer.web.auth import current_row
from trainer.web.i18n import current_language

bp = Blueprint("trainer", __name__, url_prefix="/trainer")


# --------------------------------------------------------------------------- forms


class CohortForm(FlaskForm):
    """Create or rename a cohort."""

    name = StringField(
        _l("Name of the cohort"),
        [DataRequired(_l("Give the cohort a name.")), Length(max=200)],
    )


class CoTrainerForm(FlaskForm):
    """Add a co-trainer by username."""

    username = StringField(
        _l("Username of a trainer"),
        [DataRequired(_l("Enter the username of a trainer.")), Length(max=80)],
    )


class AssignmentForm(FlaskForm):
    """Assign a module to the cohort or one learner."""

    story = SelectField(_l("Module"))
    learner = SelectField(_l("Assign to"))
    open_date = DateField(_l("Open date (UTC)"), validators=[Optional()])
    due_date = DateField(_l("Due date (UTC, end of the day)"), validators=[Optional()])
    pass_mark = IntegerField(
        _l("Pass mark"),
        validators=[
            Optional(),
            NumberRange(0, 100, message=_l("A pass mark is between 0 and 100.")),
        ],
    )
    mode = RadioField(
        _l("Kind"),
        choices=[
            SelectChoice("graded", _l("Graded: passed or failed against the pass mark")),
            SelectChoice("practice", _l("Practice: only completion is shown")),
        ],
        default="graded",
    )
    counts = RadioField(
        _l("Which attempt counts"),
        choices=[
            SelectChoice("best", _l("The best score")),
            SelectChoice("last", _l("The last attempt")),
            SelectChoice("first", _l("The first attempt")),
        ],
        default="best",
    )

    def validate_due_date(self, field: DateField) -> None:
        """The due date cannot come before the open date."""
        if field.data and self.open_date.data and field.data < self.open_date.data:
            raise ValidationError(_("The due date is before the open date."))


class RoleForm(FlaskForm):
    """Grant or withdraw a role (admins only)."""

    username = StringField(_l("Username"), [DataRequired(_l("Enter a username.")), Length(max=80)])
    role = SelectField(
        _l("Role"),
        choices=[
            SelectChoice("trainer", _l("Trainer")),
            SelectChoice("author", _l("Author")),
            SelectChoice("admin", _l("Admin")),
        ],
        default="trainer",
    )


# --------------------------------------------------------------------------- helpers


@bp.app_template_global()
def status_names() -> dict[str, str]:
    """Translated names of assignment statuses (learner catalogue and trainer pages)."""
    return {
        "not-started": _("Not started"),
        "in-progress": _("In progress"),
        "overdue": _("Overdue"),
        "completed": _("Completed"),
        "passed": _("Passed"),
        "failed": _("Failed"),
    }


@bp.before_request
def _trainers_only() -> BaseResponse | None:
    """Signed in (else to sign-in) and holding the trainer role (else 403)."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    if not current_user.has_role("trainer"):
        abort(403)
    return None


def _library():  # type: ignore[no-untyped-def]
    from trainer.web import library

    return library()


def _catalogue() -> Catalogue:
    return _library().catalogue(current_language())


def _cohort(cohort_id: int) -> Cohort:
    try:
        return cohorts.get_cohort(get_session(), current_row(), cohort_id)
    except NotFound:
        abort(404)


def _titles() -> dict[str, str]:
    language = current_language()
    return {s.id: s.pick(language).meta.title for s in _library().stories()}


def _pass_marks() -> dict[str, int]:
    return {s.id: s.original.meta.pass_mark for s in _library().stories()}


def _date_at(day: date | None, end: bool = False) -> datetime | None:
    if day is None:
        return None
    return datetime.combine(day, time(23, 59, 59) if end else time(0, 0), tzinfo=UTC)


def _render(template: str, cohort: Cohort | None = None, **context: t.Any) -> str:
    if cohort is not None:
        context.setdefault("is_owner", cohort.owner_id == current_row().id)
    return render_template(template, cohort=cohort, **context)


_COHORT_ERRORS = {
    "name": _l("Give the cohort a name."),
    "code": _l("No free join code was found; please try again."),
    "owner-only": _l("Only the owner of the cohort can do that."),
    "owner": _l("The owner of a cohort cannot be removed."),
    "unknown": _l("There is no user with this username."),
    "not-trainer": _l("This user does not hold the trainer role; an admin can grant it."),
    "already": _l("This trainer already runs the cohort."),
    "learner": _l("Choose a learner of this cohort."),
    "dates": _l("The due date is before the open date."),
    "pass-mark": _l("A pass mark is between 0 and 100."),
    "counts": _l("Choose which attempt counts."),
    "role": _l("Unknown role."),
    "keep-learner": _l("Every user keeps the learner role."),
}


def _error(exc: CohortError) -> str:
    return str(_COHORT_ERRORS.get(str(exc), _l("That cannot be done.")))


# --------------------------------------------------------------------------- cohorts


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


def _sort_args() -> tuple[str, bool]:
    sort = request.args.get("sort", "name")
    return sort, request.args.get("dir", "asc") == "desc"


@bp.route("/cohorts/<int:cohort_id>")
def cohort(cohort_id: int) -> str:
    """The progress matrix: learners by assignments."""
    found = _cohort(cohort_id)
    sort, descending = _sort_args()
    result = reports.matrix(get_session(), found, utcnow(), sort, descending)
    return _render(
        "trainer/matrix.html", found, m=result, titles=_titles(), tab="progress", now=utcnow()
    )


@bp.route("/cohorts/<int:cohort_id>/people")
def people(cohort_id: int) -> str:
    """Learners, trainers, the join code and link, renaming and deleting."""
    found = _cohort(cohort_id)
    session = get_session()
    return _render(
        "trainer/people.html",
        found,
        members=cohorts.members(session, found),
        trainers=cohorts.trainers(session, found),
        trainer_form=CoTrainerForm(),
        name_form=CohortForm(name=found.name),
        tab="people",
    )


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


@bp.route("/cohorts/<int:cohort_id>/members/<int:user_id>/remove", methods=["POST"])
def remove_member(cohort_id: int, user_id: int) -> BaseResponse:
    """Take a learner out of the cohort."""
    found = _cohort(cohort_id)
    try:
        user = cohorts.remove_member(get_session(), found, user_id)
    except NotFound:
        abort(404)
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
    session = get_session()
    return _render(  # type: ignore[return-value]
        "trainer/people.html",
        found,
        members=cohorts.members(session, found),
        trainers=cohorts.trainers(session, found),
        trainer_form=form,
        name_form=CohortForm(name=found.name),
        tab="people",
    ), 400


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


# --------------------------------------------------------------------------- assignments


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


def _assignment_form(found: Cohort, obj: Assignment | None = None) -> AssignmentForm:
    form = AssignmentForm()
    marks = _pass_marks()
    titles = _titles()
    form.story.choices = [
        SelectChoice(sid, _("%(title)s (pass mark %(mark)s)", title=title, mark=marks.get(sid, 70)))
        for sid, title in titles.items()
    ]
    if obj is not None and obj.story_id not in titles:
        form.story.choices.append(SelectChoice(obj.story_id, obj.story_id))
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
    try:
        assignment = cohorts.get_assignment(get_session(), found, assignment_id)
    except NotFound:
        abort(404)
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
    try:
        assignment = cohorts.get_assignment(get_session(), found, assignment_id)
    except NotFound:
        abort(404)
    cohorts.delete_assignment(get_session(), assignment)
    flash(_("The assignment is removed. Attempts are kept."), "success")
    return redirect(url_for("trainer.assignments", cohort_id=cohort_id))


# --------------------------------------------------------------------------- learners


@bp.route("/cohorts/<int:cohort_id>/learners/<int:user_id>")
def learner(cohort_id: int, user_id: int) -> str:
    """One learner: their assignments in this cohort and their attempts."""
    found = _cohort(cohort_id)
    session = get_session()
    try:
        user = cohorts.get_member(session, found, user_id)
    except NotFound:
        abort(404)
    return _render(
        "trainer/learner.html",
        found,
        learner=user,
        assignments=reports.learner_assignments(session, user, utcnow(), cohort_id=found.id),
        attempts=cohorts.learner_attempts(session, found, user),
        titles=_titles(),
        tab="progress",
    )


@bp.route("/cohorts/<int:cohort_id>/attempts/<int:attempt_id>")
def transcript(cohort_id: int, attempt_id: int) -> str:
    """Every step of an attempt, then the debrief as the learner saw it."""
    from trainer.web.learner import passage_html

    found = _cohort(cohort_id)
    session = get_session()
    try:
        attempt = cohorts.cohort_attempt(session, found, attempt_id)
    except NotFound:
        abort(404)
    catalogue = _catalogue()
    played = progress.load(session, attempt, catalogue)
    steps = progress.steps(session, attempt)
    previous = progress.previous_completed(session, attempt)
    previous_debrief = None
    if previous is not None and previous.id is not None:
        try:
            cohorts.cohort_attempt(session, found, previous.id)
        except NotFound:
            previous = None  # the comparison would show an attempt outside the cohort
        else:
            previous_debrief = progress.debrief(
                progress.load(session, previous, catalogue), catalogue
            )
    return _render(
        "trainer/transcript.html",
        found,
        played=played,
        learner=session.get(User, attempt.user_id),
        lines=reports.transcript(played, steps),
        prose=lambda pid: passage_html(played, pid),
        d=progress.debrief(played, catalogue),
        ending_html=passage_html(played, played.state.passage),
        catalogue=catalogue,
        previous=previous,
        previous_debrief=previous_debrief,
        transcript=True,
        tab="progress",
    )


# --------------------------------------------------------------------------- analytics


@bp.route("/cohorts/<int:cohort_id>/analytics")
def analytics(cohort_id: int) -> str:
    """Choices on the story graph, stopping points, indicator heat map, practices,
    referrals: for one story version the cohort played."""
    found = _cohort(cohort_id)
    session = get_session()
    versions = reports.played_versions(session, found)
    if not versions:
        return _render("trainer/analytics.html", found, versions=[], tab="analytics")
    raw = request.args.get("version", "")
    if raw:
        chosen = next((v for v in versions if str(v.id) == raw), None)
        if chosen is None:
            abort(404)
    else:
        chosen = versions[0]
    catalogue = _catalogue()
    result = reports.analytics(session, found, chosen.id, utcnow())
    story = version_story(result.version, catalogue)
    return _render(
        "trainer/analytics.html",
        found,
        versions=versions,
        chosen=chosen,
        a=result,
        story=story,
        graph=layout(story),
        tables=reports.analytics_tables(result, story),
        catalogue=catalogue,
        tab="analytics",
    )


@bp.route("/cohorts/<int:cohort_id>/report")
def report(cohort_id: int) -> str:
    """The after-action report: shortcomings with counts, and recommendations (printable)."""
    found = _cohort(cohort_id)
    session = get_session()
    story_id = request.args.get("story") or None
    assigned = sorted({a.story_id for a in cohorts.assignments(session, found)})
    if story_id is not None and story_id not in assigned:
        abort(404)
    catalogue = _catalogue()
    result = reports.after_action(session, found, story_id)
    return _render(
        "trainer/report.html",
        found,
        r=result,
        recommendations=reports.recommendations(result, catalogue),
        catalogue=catalogue,
        assigned=assigned,
        story_id=story_id,
        titles=_titles(),
        trainers=cohorts.trainers(session, found),
        now=utcnow(),
        tab="report",
    )


@bp.route("/cohorts/<int:cohort_id>/export/<grain>.csv")
def export(cohort_id: int, grain: str) -> Response:
    """CSV of the cohort's attempts, steps or indicators (UTF-8 with BOM, formula-safe)."""
    found = _cohort(cohort_id)
    if grain not in reports.GRAINS:
        abort(404)
    catalogue = _catalogue()

    def generate():  # type: ignore[no-untyped-def]
        # Runs after the view has returned, in the request context stream_with_context
        # pushes again: the session must be opened here so that context's teardown closes it.
        rows = reports.export_rows(get_session(), found, grain, catalogue)
        yield from reports.csv_stream(rows)

    filename = f"cohort-{found.id}-{grain}-{utcnow():%Y%m%d}.csv"
    return Response(
        stream_with_context(generate()),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


# --------------------------------------------------------------------------- roles


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
