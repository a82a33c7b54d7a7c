"""Error pages: every error renders a page in the learner's language, never a traceback."""

from __future__ import annotations

from flask import Flask, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


def init_app(app: Flask) -> None:
    """Register the handlers."""

    @app.errorhandler(CSRFError)
    def _csrf(error: CSRFError):  # type: ignore[no-untyped-def]
        if not current_user.is_authenticated:
            # Most often: signed out in another tab. Say so, and offer to sign in again.
            flash(_("You were signed out, so nothing was changed. Sign in to continue."), "warning")
            return redirect(url_for("auth.login"))
        message = _(
            "The form expired or was sent from another site. Go back, reload the page "
            "and try again; nothing was changed."
        )
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def _http(error: HTTPException) -> tuple[str, int]:
        code = error.code or 500
        messages = {
            400: _("The request was not understood."),
            403: _("You do not have access to this page."),
            404: _("There is nothing here, or it is not yours to see."),
            405: _("This page cannot be used that way."),
            413: _("The file is too large."),
        }
        message = messages.get(code, _("Something went wrong."))
        if code == 400 and error.description and "understand" not in error.description:
            message = error.description
        return render_template("errors/error.html", code=code, message=message), code

    @app.errorhandler(500)
    def _server(_error: Exception) -> tuple[str, int]:
        app.logger.exception("server error on %s", request.path)
        return (
            render_template(
                "errors/error.html",
                code=500,
                message=_(
                    "Something went wrong on our side. Your progress up to the last step is saved."
                ),
            ),
            500,
        )
