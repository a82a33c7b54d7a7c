"""What the trainer views share: the cohort by id (or a 404), the story library's titles
and catalogue, rendering with the cohort, and the words for a :class:`CohortError`."""

from __future__ import annotations

import typing as t

from flask import abort, render_template
from flask_babel import lazy_gettext as _l
from sqlmodel import Session

from trainer.db import get_session
from trainer.models import Cohort
from trainer.services import cohorts
from trainer.services.cohorts import CohortError
from trainer.services.library import Library
from trainer.services.progress import NotFound
from trainer.story.catalogue import Catalogue
from trainer.web.auth import current_row
from trainer.web.i18n import current_language

T = t.TypeVar("T")


def _library() -> Library:
    # Imported here: trainer.web imports this package while it is itself being imported.
    from trainer.web import library

    return library()


def _catalogue() -> Catalogue:
    return _library().catalogue(current_language())


def _cohort(cohort_id: int) -> Cohort:
    try:
        return cohorts.get_cohort(get_session(), current_row(), cohort_id)
    except NotFound:
        abort(404)


def _in_cohort(find: t.Callable[[Session, Cohort, int], T], cohort: Cohort, item_id: int) -> T:
    """``find(session, cohort, item_id)``; a 404 for anything the cohort does not hold."""
    try:
        return find(get_session(), cohort, item_id)
    except NotFound:
        abort(404)


def _titles(include_drafts: bool = True) -> dict[str, str]:
    """Story titles in the interface language; drafts too, for assignments made before a
    story went back to draft (new assignments offer published stories only)."""
    language = current_language()
    return {s.id: s.pick(language).meta.title for s in _library().stories(include_drafts)}


def _pass_marks() -> dict[str, int]:
    return {s.id: s.original.meta.pass_mark for s in _library().stories(include_drafts=True)}


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
}


def _error(exc: CohortError) -> str:
    return str(_COHORT_ERRORS.get(str(exc), _l("That cannot be done.")))
