"""The progress tab: the matrix of learners by assignments, one learner, one transcript."""

from __future__ import annotations

from flask import request

from trainer.db import get_session
from trainer.models import User, utcnow
from trainer.services import cohorts, progress, reports
from trainer.services.progress import NotFound
from trainer.web.trainer.blueprint import bp
from trainer.web.trainer.shared import _catalogue, _cohort, _in_cohort, _render, _titles


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


@bp.route("/cohorts/<int:cohort_id>/learners/<int:user_id>")
def learner(cohort_id: int, user_id: int) -> str:
    """One learner: their assignments in this cohort and their attempts."""
    found = _cohort(cohort_id)
    user = _in_cohort(cohorts.get_member, found, user_id)
    session = get_session()
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
    attempt = _in_cohort(cohorts.cohort_attempt, found, attempt_id)
    session = get_session()
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
