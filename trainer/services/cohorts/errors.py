"""The one error the cohort services raise for a request that cannot be met."""

from __future__ import annotations


class CohortError(ValueError):
    """A request that cannot be met; ``str(error)`` is a reason code the view translates."""
