"""The ``trainer`` blueprint itself: who may enter, and the status names its pages share."""

from __future__ import annotations

from flask import Blueprint
from flask_babel import gettext as _

from trainer.web.auth import require_sign_in

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


require_sign_in(bp, "trainer")
