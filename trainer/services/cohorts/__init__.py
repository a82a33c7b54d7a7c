"""Cohorts: create, join, members, co-trainers, assignments, and who may see what.

Every function that takes a cohort id checks that the acting trainer trains it (owner or
co-trainer) and raises :class:`NotFound` otherwise, so the web layer turns any object that
is not the trainer's into a 404 without saying whether it exists.

Which attempts a trainer may see (the *cohort scope*): attempts by a member of the cohort,
started after they joined it, at a module assigned in the cohort (to everyone or to that
member). What a learner played before joining, or at modules nobody assigned them, stays
private.

The parts: :mod:`~.lifecycle` (a trainer's cohorts), :mod:`~.membership` (learners and
joining), :mod:`~.co_trainers`, :mod:`~.assigning` (assignments), :mod:`~.scope` (the
cohort scope), :mod:`~.roles` (site-wide roles), :mod:`~.codes` (join codes) and
:mod:`~.errors`.
"""

from trainer.services.cohorts.assigning import (
    COUNTS,
    AssignmentInput,
    assignments,
    create_assignment,
    delete_assignment,
    get_assignment,
    update_assignment,
)
from trainer.services.cohorts.co_trainers import add_trainer, remove_trainer, trainers
from trainer.services.cohorts.codes import CODE_ALPHABET, CODE_LENGTH, new_code, normalise_code
from trainer.services.cohorts.errors import CohortError
from trainer.services.cohorts.lifecycle import (
    CohortSummary,
    create_cohort,
    delete_cohort,
    get_cohort,
    regenerate_code,
    rename_cohort,
    trained_cohorts,
)
from trainer.services.cohorts.membership import (
    find_cohort_by_code,
    get_member,
    is_member,
    join,
    members,
    remove_member,
)
from trainer.services.cohorts.roles import set_role
from trainer.services.cohorts.scope import (
    assigned_to,
    cohort_attempt,
    learner_attempts,
    member_join,
)

__all__ = [
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "COUNTS",
    "AssignmentInput",
    "CohortError",
    "CohortSummary",
    "add_trainer",
    "assigned_to",
    "assignments",
    "cohort_attempt",
    "create_assignment",
    "create_cohort",
    "delete_assignment",
    "delete_cohort",
    "find_cohort_by_code",
    "get_assignment",
    "get_cohort",
    "get_member",
    "is_member",
    "join",
    "learner_attempts",
    "member_join",
    "members",
    "new_code",
    "normalise_code",
    "regenerate_code",
    "remove_member",
    "remove_trainer",
    "rename_cohort",
    "set_role",
    "trained_cohorts",
    "trainers",
    "update_assignment",
]
