"""The ``trainer`` blueprint itself: who may enter, and the status names its pages share."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response as BaseResponse

bp = Blueprint("trainer", __name__, url_prefix="/trainer")


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
