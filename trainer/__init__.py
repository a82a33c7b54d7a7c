"""Interview trainer for identifying victims of human trafficking.

The package root stays import-light on purpose: ``trainer.story`` (the pure core)
must be importable without pulling in Flask or the database layer.
"""

from __future__ import annotations

import typing as t

if t.TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict[str, t.Any] | None = None) -> Flask:
    """Build the web application (imported lazily so the core stays light)."""
    from trainer.app import create_app as _create_app

    return _create_app(test_config)
