"""Blueprint ``author``: library, diagnostics with source, graph, preview, upload, translations.

The preview is stateless: role, jump target, variables, path and notes live in the URL,
so it writes no learner progress, survives reloads, and live reload simply re-renders the
same URL against the edited file.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from trainer.services.authoring import (
    Authoring,
    UploadError,
    preview_state,
    set_draft,
    store_upload,
)
from trainer.story.catalogue import Catalogue
from trainer.story.layout import layout
from trainer.story.render import render_markdown
from trainer.story.runtime import available_choices
from trainer.web.auth import require_sign_in
from trainer.web.i18n import current_language

bp = Blueprint("author", __name__, url_prefix="/author")


require_sign_in(bp, "author")


def authoring() -> Authoring:
    """The app's authoring service."""
    found: Authoring = current_app.extensions["trainer.authoring"]
    return found


def _catalogue() -> Catalogue:
    from trainer.web import library

    return library().catalogue(current_language())


def _check(name: str):  # type: ignore[no-untyped-def]
    try:
        return authoring().check(name)
    except LookupError:
        abort(404)


@bp.route("/")
def index() -> str:
    """Every story and translation with its check status and figures."""
    return render_template("author/index.html", files=authoring().files())


@bp.route("/stories/<name>")
def story(name: str) -> str:
    """Diagnostics with the source lines around each, and the passage graph."""
    check = _check(name)
    lines = check.story.source.split("\n") if check.story else []
    contexts = []
    for d in check.diagnostics:
        first = max(1, d.line - 2)
        last = min(len(lines), d.line + 2) if d.line else 0
        contexts.append((d, [(n, lines[n - 1]) for n in range(first, last + 1)] if d.line else []))
    graph = layout(check.story) if check.story and check.story.passages else None
    return render_template(
        "author/story.html", check=check, contexts=contexts, graph=graph, name=name
    )


@bp.route("/stories/<name>/version")
def version(name: str) -> Response:
    """Content hash and error count: what the live-reload script polls."""
    check = _check(name)
    return jsonify(
        hash=check.story.content_hash if check.story else "",
        modified=check.modified.isoformat(),
        errors=len([d for d in check.diagnostics if d.severity.label == "error"]),
    )


@bp.route("/stories/<name>/preview")
def preview(name: str) -> str:
    """Play as a learner would, with the state panel; nothing is stored."""
    check = _check(name)
    story = check.story
    if story is None or not check.compiled.ok:
        return render_template("author/broken.html", check=check, name=name), 409  # type: ignore[return-value]
    role = request.args.get("role", story.meta.roles[0])
    at = request.args.get("at", "")
    variables = request.args.get("vars", "")
    path = [k for k in request.args.get("path", "").split(",") if k]
    notes = request.args.getlist("notes")
    result = preview_state(story, role, at, variables, path, notes)
    state = result.state
    passage = story.passages[state.passage]
    shown = [(pid, cue) for pid in dict.fromkeys(state.path) for cue in story.passages[pid].cues]

    def link(**changes: object) -> str:
        args = {
            "role": state.role,
            "at": at,
            "vars": variables,
            "path": ",".join(path[: result.kept]),
            "notes": list(state.notes),
        }
        args.update(changes)
        return url_for("author.preview", name=name, **{k: v for k, v in args.items() if v})

    return render_template(
        "author/preview.html",
        check=check,
        story=story,
        name=name,
        state=state,
        passage=passage,
        prose=render_markdown(passage.body, passage.id),
        choices=available_choices(story, state),
        result=result,
        shown=shown,
        link=link,
        path=path[: result.kept],
        at=at,
        variables=variables,
        catalogue=_catalogue(),
    )


@bp.route("/upload", methods=["GET", "POST"])
def upload() -> str | Response:
    """Upload a story file or a new version of one; broken stories are not stored."""
    if request.method == "GET":
        return render_template("author/upload.html", diagnostics=[])
    file = request.files.get("story")
    if file is None or not file.filename:
        flash(_("Choose a Markdown file to upload."), "error")
        return render_template("author/upload.html", diagnostics=[]), 400  # type: ignore[return-value]
    try:
        data = file.read(2_000_001)
    finally:
        file.close()
    publish = request.form.get("publish") == "1"
    try:
        check = store_upload(authoring(), data, publish=publish)
    except UploadError as exc:
        reason = str(exc)
        if reason == "too-large":
            message = _("The file is larger than 1 MB; nothing was stored.")
        else:
            message = _("The story has errors, so it was not stored. Fix them and upload again.")
        flash(message, "error")
        return (
            render_template("author/upload.html", diagnostics=exc.diagnostics),  # type: ignore[return-value]
            400,
        )
    if publish:
        message = _(
            "Stored as %(name)s and published. Attempts in progress stay on the version "
            "they started.",
            name=check.name,
        )
    else:
        message = _(
            "Stored as %(name)s, as a draft: learners do not see it until you publish it.",
            name=check.name,
        )
    flash(message, "success")
    return redirect(url_for("author.story", name=check.name))


@bp.route("/stories/<name>/publish", methods=["POST"])
def publish(name: str) -> Response:
    """Publish a story file (learners see it) or take it back to draft (they don't)."""
    draft = request.form.get("draft") == "1"
    try:
        check = set_draft(authoring(), name, draft)
    except LookupError:
        abort(404)
    except UploadError:
        flash(_("A story with errors cannot be published. Fix them first."), "error")
        return redirect(url_for("author.story", name=name))
    if draft:
        flash(_("%(name)s is a draft again: learners no longer see it.", name=check.name), "status")
    else:
        flash(_("%(name)s is published: learners see it now.", name=check.name), "success")
    return redirect(url_for("author.story", name=name))


@bp.route("/translations/<story_id>")
def translations(story_id: str) -> str:
    """Languages of a story side by side, with what is missing or out of date in each.

    "Out of date" is what each translation's ``translates`` says against the original's
    content hash, never file times (a git clone gives every file the same one).
    """
    checks = authoring().translations(story_id)
    if not checks:
        abort(404)
    return render_template("author/translations.html", checks=checks, story_id=story_id)
