"""Blueprint ``trainer``: cohorts, assignments, progress matrix, transcripts, analytics,
after-action report, CSV export, and the old roles page (now a redirect to ``/admin/``).

Views only parse the request, call :mod:`trainer.services.cohorts` or
:mod:`trainer.services.reports` and render. Ownership is checked in the services: any
cohort, assignment, learner or attempt that is not the trainer's raises ``NotFound``,
which becomes a 404 here.

One blueprint, so every endpoint stays ``trainer.<view>``; its views live in modules by
tab: :mod:`~.lifecycle` (the cohort list, creating, renaming, deleting),
:mod:`~.membership` (people), :mod:`~.assigning` (assignments), :mod:`~.tracking`
(matrix, learner, transcript), :mod:`~.reporting` (analytics, report, CSV export) and
:mod:`~.role_admin` (the redirect). :mod:`~.blueprint` holds the blueprint and its access rule,
:mod:`~.shared` what the views share, :mod:`~.forms` the forms. Importing this package
imports every view module, which is what registers their routes on ``bp``.
"""

from trainer.web.trainer.assigning import (
    assignments,
    delete_assignment,
    edit_assignment,
    new_assignment,
)
from trainer.web.trainer.blueprint import bp, status_names
from trainer.web.trainer.forms import AssignmentForm, CohortForm, CoTrainerForm
from trainer.web.trainer.lifecycle import create, delete, index, new_code, rename
from trainer.web.trainer.membership import add_trainer, people, remove_member, remove_trainer
from trainer.web.trainer.reporting import analytics, export, report
from trainer.web.trainer.role_admin import roles
from trainer.web.trainer.tracking import cohort, learner, transcript

__all__ = [
    "AssignmentForm",
    "CoTrainerForm",
    "CohortForm",
    "add_trainer",
    "analytics",
    "assignments",
    "bp",
    "cohort",
    "create",
    "delete",
    "delete_assignment",
    "edit_assignment",
    "export",
    "index",
    "learner",
    "new_assignment",
    "new_code",
    "people",
    "remove_member",
    "remove_trainer",
    "rename",
    "report",
    "roles",
    "status_names",
    "transcript",
]
