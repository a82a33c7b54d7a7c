"""Join codes: making a fresh one, and reading back what a learner typed."""

from __future__ import annotations

import secrets

#: Join codes: no 0/O or 1/I, so they survive being read aloud or copied from a slide.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_code() -> str:
    """A fresh random join code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a learner typed, as stored: upper case, no spaces or dashes."""
    return "".join(ch for ch in raw.upper() if ch.isalnum())[:20]
