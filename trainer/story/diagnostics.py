"""Diagnostics: every problem the parser or checker finds, with where and how to fix it.

The core never raises on bad input. It collects :class:`Diagnostic` values instead, so an
author sees every problem of a file at once (ink's compiler does the same), and the web
and the command line can present them however they like.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.IntEnum):
    """How bad a diagnostic is; ordered so that ``max()`` gives the worst."""

    INFO = 0
    WARNING = 1
    ERROR = 2

    @property
    def label(self) -> str:
        """Lower-case name used in text and JSON output."""
        return self.name.lower()


@dataclass(frozen=True)
class Diagnostic:
    """One problem at one place in one file.

    :param code: stable code (``C001``), documented in ``docs/diagnostics.md``.
    :param line: 1-based line, 0 when the problem concerns the whole file.
    :param column: 1-based column, 0 when unknown.
    """

    code: str
    severity: Severity
    message: str
    file: str = ""
    line: int = 0
    column: int = 0

    def format(self) -> str:
        """``file:line:column: severity CODE: message``, the form editors understand."""
        return (
            f"{self.file or '<story>'}:{self.line}:{self.column}: "
            f"{self.severity.label} {self.code}: {self.message}"
        )

    def to_dict(self) -> dict[str, object]:
        """Plain data for ``--format json`` and the author pages."""
        return {
            "code": self.code,
            "severity": self.severity.label,
            "message": self.message,
            "file": self.file,
            "line": self.line,
            "column": self.column,
        }


@dataclass
class Diagnostics:
    """A growing list of diagnostics for one file."""

    file: str = ""
    items: list[Diagnostic] = field(default_factory=list)

    def add(
        self, code: str, severity: Severity, message: str, line: int = 0, column: int = 0
    ) -> None:
        """Record a problem."""
        self.items.append(Diagnostic(code, severity, message, self.file, line, column))

    def error(self, code: str, message: str, line: int = 0, column: int = 0) -> None:
        """Record an error: the story cannot be published."""
        self.add(code, Severity.ERROR, message, line, column)

    def warning(self, code: str, message: str, line: int = 0, column: int = 0) -> None:
        """Record a warning: probably a mistake."""
        self.add(code, Severity.WARNING, message, line, column)

    def info(self, code: str, message: str, line: int = 0, column: int = 0) -> None:
        """Record a note."""
        self.add(code, Severity.INFO, message, line, column)


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    """True when any diagnostic is an error."""
    return any(d.severity is Severity.ERROR for d in diagnostics)


def sort_key(d: Diagnostic) -> tuple[str, int, int, str]:
    """Order diagnostics by place, then code."""
    return (d.file, d.line, d.column, d.code)
