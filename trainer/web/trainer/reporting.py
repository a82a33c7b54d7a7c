"""The analytics and report tabs, and the CSV export."""

from __future__ import annotations

import typing as t

from flask import Response, abort, request, stream_with_context

from trainer.db import get_session
from trainer.models import utcnow
from trainer.services import cohorts, reports
from trainer.services.library import version_story
from trainer.story.layout import layout
from trainer.web.trainer.blueprint import bp
from trainer.web.trainer.shared import _catalogue, _cohort, _render, _titles


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

    def generate() -> t.Iterator[str]:
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
