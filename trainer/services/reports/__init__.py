"""Trainers' reports: progress matrix, story analytics, after-action report, CSV export.

Every figure is aggregated by the database (``GROUP BY``, window functions), never by
Python loops over attempts, so a page costs a handful of queries whatever the cohort's
size; the same statements run on SQLite and PostgreSQL. Python only arranges the rows it
gets back (into a grid, a sorted list, a table).

Which attempts count (see :mod:`trainer.services.cohorts` for the cohort scope):

- **Assignment cells** (matrix, a learner's catalogue): the learner's own attempts at the
  assigned module, started after they joined the cohort and on or after the assignment's
  open date (any time if it has none). Replays ("replay from here") are study aids and do
  not count. Of the completed ones, the assignment's rule picks the one that counts: the
  best score (earliest on a tie), the first or the last finished.
- **Analytics and the after-action report**: every attempt in the cohort scope except
  replays (a replay copies the steps of its original, which would count them twice).
- **Time spent**: the gaps between an attempt's steps (the first from its start), each
  capped at :data:`IDLE_CAP` seconds, so an attempt left open overnight does not count as
  a day's work.
"""

from trainer.services.reports._sql import IDLE_CAP, STALLED_AFTER, STATUSES
from trainer.services.reports.after_action import (
    Recommendation,
    Report,
    Shortcoming,
    StoryLine,
    after_action,
    recommendations,
)
from trainer.services.reports.analytics import (
    Analytics,
    AnalyticsTables,
    ChoiceLine,
    IndicatorLine,
    Rate,
    ReferralLine,
    TranscriptLine,
    VersionChoice,
    analytics,
    analytics_tables,
    played_versions,
    transcript,
)
from trainer.services.reports.export import GRAINS, csv_cell, csv_stream, export_rows
from trainer.services.reports.matrix import (
    SORTS,
    Cell,
    LearnerAssignment,
    Matrix,
    MatrixRow,
    learner_assignments,
    matrix,
)

__all__ = [
    "GRAINS",
    "IDLE_CAP",
    "SORTS",
    "STALLED_AFTER",
    "STATUSES",
    "Analytics",
    "AnalyticsTables",
    "Cell",
    "ChoiceLine",
    "IndicatorLine",
    "LearnerAssignment",
    "Matrix",
    "MatrixRow",
    "Rate",
    "Recommendation",
    "ReferralLine",
    "Report",
    "Shortcoming",
    "StoryLine",
    "TranscriptLine",
    "VersionChoice",
    "after_action",
    "analytics",
    "analytics_tables",
    "csv_cell",
    "csv_stream",
    "export_rows",
    "learner_assignments",
    "matrix",
    "played_versions",
    "recommendations",
    "transcript",
]
