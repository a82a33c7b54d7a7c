"""Configuration defaults; overridden by ``instance/config.py`` then ``TRAINER_*`` variables."""

from __future__ import annotations

import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

DEFAULTS: dict[str, object] = {
    # Where stories and their catalogues live.
    "STORIES_DIR": str(ROOT / "stories"),
    # Empty means: a SQLite file in the instance folder.
    "DATABASE_URL": "",
    # Self-registration; trainers can turn it off for closed courses.
    "REGISTRATION_OPEN": True,
    "LANGUAGES": ["en", "ru", "ky"],
    "BABEL_DEFAULT_LOCALE": "en",
    "BABEL_TRANSLATION_DIRECTORIES": str(ROOT / "trainer" / "translations"),
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    # Failed sign-ins before each further try has to wait, and the longest wait.
    "LOGIN_FREE_FAILURES": 5,
    "LOGIN_MAX_DELAY_SECONDS": 900,
    "WTF_CSRF_TIME_LIMIT": None,
    "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
}


def instance_secret(instance_path: Path) -> str:
    """A secret key kept in the instance folder, so sessions survive restarts in dev."""
    path = instance_path / "secret_key"
    if path.exists():
        return path.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    path.write_text(key)
    path.chmod(0o600)
    return key


def normalise_database_url(url: str) -> str:
    """Accept ``postgres://`` and ``postgresql://`` and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url
