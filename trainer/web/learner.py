"""Blueprint ``learner``: catalogue, play, case notes, debrief, replay, history."""

from __future__ import annotations

import re
from functools import lru_cache

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from trainer.db import get_session
from trainer.models import utcnow
from trainer.services import progress, reports
from trainer.services.progress import NotFound, Played, StaleStep
from trainer.story.catalogue import Catalogue
from trainer.story.render import render_markdown
from trainer.story.runtime import PlayError, available_choices
from trainer.web.auth import current_row, current_user_id, require_sign_in
from trainer.web.i18n import current_language

bp = Blueprint("learner", __name__)
_ANCHOR = re.compile(r"[a-z0-9][a-z0-9._-]{0,119}")


require_sign_in(bp)


def _library():  # type: ignore[no-untyped-def]
    from trainer.web import library

    return library()


def _catalogue() -> Catalogue:
    return _library().catalogue(current_language())


@lru_cache(maxsize=2048)
def _html(content_hash: str, passage_id: str, body: str, highlight: int = 0) -> str:
    """Rendered prose, cached per story version and passage (the inputs never change)."""
    return render_markdown(body, passage_id, {highlight} if highlight else None)


def passage_html(played: Played, passage_id: str, highlight: int = 0) -> str:
    """Sanitised HTML of one passage of the attempt's story version."""
    passage = played.story.passages[passage_id]
    return _html(played.story.content_hash, passage_id, passage.body, highlight)


def _played(attempt_id: int) -> Played:
    session = get_session()
    try:
        attempt = progress.get_attempt(session, current_user_id(), attempt_id)
        return progress.load(session, attempt, _catalogue())
    except NotFound:
        abort(404)


def _step_field() -> int:
    raw = request.form.get("step", "")
    if not raw.isdigit():
        abort(400, description=_("The form is missing its step number; reload the page."))
    return int(raw)


@bp.route("/")
def catalogue() -> str:
    """The learner's assignments first (due dates, overdue marks), then every module."""
    stories = _library().stories()
    status = progress.status_by_story(get_session(), current_row())
    now = utcnow()
    return render_template(
        "learner/catalogue.html",
        stories=stories,
        status=status,
        catalogue=_catalogue(),
        assignments=reports.learner_assignments(get_session(), current_row(), now),
        entries={s.id: s for s in stories},
        now=now,
    )


@bp.route("/modules/<story_id>")
def module(story_id: str) -> str:
    """A module's description and the form to start it."""
    entry = _library().story(story_id)
    if entry is None:
        abort(404)
    status = progress.status_by_story(get_session(), current_row()).get(story_id)
    return render_template(
        "learner/module.html",
        entry=entry,
        story=entry.pick(current_language()),
        status=status,
        catalogue=_catalogue(),
    )


@bp.route("/modules/<story_id>/start", methods=["POST"])
def start(story_id: str) -> Response:
    """Start a new attempt in the chosen role and language."""
    entry = _library().story(story_id)
    if entry is None:
        abort(404)
    role = request.form.get("role", "")
    language = request.form.get("language", "") or current_language()
    try:
        attempt = progress.start_attempt(get_session(), current_row(), entry, language, role)
    except PlayError:
        flash(_("Choose one of the roles offered for this module."), "error")
        return redirect(url_for("learner.module", story_id=story_id))
    return redirect(url_for("learner.play", attempt_id=attempt.id))


@bp.route("/attempts/<int:attempt_id>")
def play(attempt_id: int) -> str | Response:
    """The current passage with its choices and the case-notes panel."""
    played = _played(attempt_id)
    if played.state.finished:
        return redirect(url_for("learner.debrief", attempt_id=attempt_id))
    catalogue = _catalogue()
    passage = played.story.passages[played.state.passage]
    return render_template(
        "learner/play.html",
        played=played,
        passage=passage,
        prose=passage_html(played, passage.id),
        choices=available_choices(played.story, played.state),
        catalogue=catalogue,
        note_groups=_note_groups_html(catalogue, current_language(), played.state.notes),
        chosen=_last_choice_label(played) if request.args.get("chose") else "",
        notes_saved=bool(request.args.get("saved")),
    )


def _last_choice_label(played: Played) -> str:
    """The label of the choice that led here (announced to screen readers)."""
    if not played.state.taken:
        return ""
    choice = played.story.choice(played.state.taken[-1])
    return choice.label if choice else ""


_PANELS: dict[tuple[Catalogue, str, tuple[str, ...]], str] = {}


def _note_groups_html(catalogue: Catalogue, language: str, notes: tuple[str, ...]) -> str:
    """The case-notes checkboxes' HTML, kept per catalogue, language and ticked notes.

    The groups list every indicator of the catalogue (about 60) and are the largest part
    of a passage page; they only change when the notes do, so a step reuses them.
    """
    key = (catalogue, language, notes)  # the catalogue is hashed by identity
    panel = _PANELS.get(key)
    if panel is None:
        if len(_PANELS) > 2048:
            _PANELS.clear()
        groups = [
            (label, items, sum(1 for i, _t in items if i in notes))
            for label, items in _note_groups(catalogue)
        ]
        panel = _PANELS[key] = render_template("learner/_notes.html", groups=groups, notes=notes)
    return panel


def _note_groups(catalogue: Catalogue) -> list[tuple[str, list[tuple[str, str]]]]:
    groups: dict[str, list[tuple[str, str]]] = {}
    for ind in catalogue.indicators.values():
        groups.setdefault(ind.category, []).append((ind.id, ind.label))
    return [
        (catalogue.categories[c].label if c in catalogue.categories else c, items)
        for c, items in groups.items()
    ]


def _notes_field() -> list[str] | None:
    """The ticked indicators, or None when the form had no notes panel (keep the notes)."""
    if not request.form.get("notes-shown"):
        return None
    return [n for n in request.form.getlist("notes") if n]


@bp.route("/attempts/<int:attempt_id>/choose", methods=["POST"])
def choose(attempt_id: int) -> Response:
    """Apply one choice exactly once, then show the next passage (POST-redirect-GET)."""
    played = _played(attempt_id)
    seen = _step_field()
    try:
        if request.form.get("save-notes"):
            progress.save_notes(get_session(), played, seen, _notes_field() or [], _catalogue())
            # The confirmation is shown inside the notes panel (``saved=1``), where the
            # page scrolls to, not in the message area at the top, out of view on a phone.
            return redirect(
                url_for("learner.play", attempt_id=attempt_id, saved=1, _anchor="notes")
            )
        key = request.form.get("choice", "")
        state = progress.record_choice(
            get_session(), played, seen, key, _notes_field(), _catalogue()
        )
    except StaleStep:
        flash(
            _(
                "This page was out of date (another tab, the back button or a double click), "
                "so nothing was changed. Here is where you are now."
            ),
            "warning",
        )
        return redirect(url_for("learner.play", attempt_id=attempt_id))
    except PlayError:
        flash(_("That choice is not available here. Please choose again."), "error")
        return redirect(url_for("learner.play", attempt_id=attempt_id))
    if state.finished:
        label = played.story.choice(key)
        flash(_("You chose: %(label)s", label=label.label if label else key), "status")
        return redirect(url_for("learner.debrief", attempt_id=attempt_id))
    # "You chose ..." is read from the attempt on the next page (``chose=1``) rather than
    # flashed: no session cookie is rewritten on either request of a step.
    return redirect(url_for("learner.play", attempt_id=attempt_id, chose=1, _anchor="passage"))


@bp.route("/attempts/<int:attempt_id>/notes", methods=["POST"])
def notes(attempt_id: int) -> Response | tuple[Response, int]:
    """Save the case notes on their own (the notes panel's autosave uses this)."""
    played = _played(attempt_id)
    seen = _step_field()
    try:
        state = progress.save_notes(get_session(), played, seen, _notes_field() or [], _catalogue())
    except StaleStep:
        return jsonify(ok=False, message=_("This page is out of date; reload it.")), 409
    except PlayError:
        return jsonify(ok=False, message=_("Unknown indicator.")), 400
    return jsonify(ok=True, notes=list(state.notes), message=_("Notes saved."))


@bp.route("/attempts/<int:attempt_id>/debrief")
def debrief(attempt_id: int) -> str:
    """The debrief: indicators, practices, referrals, ILO-EC rule, score."""
    played = _played(attempt_id)
    catalogue = _catalogue()
    result = progress.debrief(played, catalogue)
    previous = progress.previous_completed(get_session(), played.attempt)
    previous_debrief = None
    if previous is not None:
        previous_debrief = progress.debrief(
            progress.load(get_session(), previous, catalogue), catalogue
        )
    return render_template(
        "learner/debrief.html",
        played=played,
        ending_html=passage_html(played, played.state.passage),
        d=result,
        catalogue=catalogue,
        steps=progress.steps(get_session(), played.attempt),
        previous=previous,
        previous_debrief=previous_debrief,
    )


@bp.route("/attempts/<int:attempt_id>/passages/<passage_id>")
def passage(attempt_id: int, passage_id: str) -> str:
    """A passage the learner saw, with one cue highlighted (linked from the debrief)."""
    played = _played(attempt_id)
    if passage_id not in played.state.path:
        abort(404)
    cue = request.args.get("cue", "0")
    highlight = int(cue) if cue.isdigit() else 0
    # "Back to the debrief" returns to the item that linked here (an indicator id).
    back = request.args.get("back", "")
    return render_template(
        "learner/passage.html",
        back=f"i-{back}" if _ANCHOR.fullmatch(back) else None,
        played=played,
        passage=played.story.passages[passage_id],
        prose=passage_html(played, passage_id, highlight),
    )


@bp.route("/attempts/<int:attempt_id>/replay", methods=["POST"])
def replay(attempt_id: int) -> Response:
    """Start a new attempt from the state at one step of this one."""
    played = _played(attempt_id)
    raw = request.form.get("step", "")
    if not raw.isdigit() or int(raw) > played.state.step:
        abort(400, description=_("There is no such step."))
    attempt = progress.replay_from(get_session(), current_row(), played, int(raw), _catalogue())
    # The page counts steps from 1: replaying the state after N choices starts at step N+1.
    flash(_("A new attempt starts from step %(n)s.", n=int(raw) + 1), "status")
    return redirect(url_for("learner.play", attempt_id=attempt.id))


@bp.route("/history")
def history() -> str:
    """All this learner's attempts."""
    attempts = progress.history(get_session(), current_row())
    return render_template(
        "learner/history.html",
        attempts=attempts,
        titles=progress.version_titles(get_session(), attempts),
        catalogue=_catalogue(),
    )
