"""Translation hook for the pure core.

The core cannot use Flask-Babel, but its messages (diagnostics, debrief sentences) are
still user-facing, so they go through :func:`_`, which Babel's extractor finds like any
other gettext call. The web layer installs its own translator with :func:`set_translator`.
"""

from __future__ import annotations

import gettext as _gettext
from collections.abc import Callable

_translate: Callable[[str], str] = _gettext.gettext


def set_translator(func: Callable[[str], str]) -> None:
    """Route the core's messages through ``func`` (for example Flask-Babel's gettext)."""
    global _translate
    _translate = func


def _(message: str) -> str:
    """Translate ``message`` with the current translator."""
    return _translate(message)
