"""Interface language: the user's choice, then the session, then the browser's wish."""

from __future__ import annotations

import typing as t

from flask import Flask, current_app, g, request, session
from flask_babel import Babel, get_locale, get_translations
from flask_babel import gettext as babel_gettext
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from trainer.story import i18n as core_i18n
from trainer.story.layout import edge_totals

LANGUAGE_NAMES = {"en": "English", "ru": "Русский", "ky": "Кыргызча"}
DIMENSION_NAMES = {
    "DR": _l("deceptive recruitment"),
    "CR": _l("coercive recruitment"),
    "RAV": _l("recruitment by abuse of vulnerability"),
    "EX": _l("exploitation"),
    "CD": _l("coercion at destination"),
    "AVD": _l("abuse of vulnerability at destination"),
}
STRENGTH_NAMES = {"strong": _l("strong"), "medium": _l("medium"), "weak": _l("weak")}


def dimension_name(code: str) -> str:
    """Translated name of an ILO-EC dimension code."""
    return str(DIMENSION_NAMES.get(code, code))


def strength_name(strength: str) -> str:
    """Translated indicator strength."""
    return str(STRENGTH_NAMES.get(strength, strength))


def select_locale() -> str:
    """The locale for this request."""
    languages: list[str] = current_app.config["LANGUAGES"]
    if getattr(current_user, "is_authenticated", False) and current_user.locale in languages:
        return str(current_user.locale)
    chosen = session.get("locale")
    if chosen in languages:
        return str(chosen)
    return request.accept_languages.best_match(languages) or languages[0]


def current_language() -> str:
    """Two-letter code of the current locale."""
    return str(get_locale() or "en")


def _translations() -> t.Any:
    """The request's translations, looked up once per request.

    Flask-Babel finds them again for every ``_()`` in a template (locale selector, domain,
    cache, through several context-local proxies); a passage page has about twenty such
    strings, which cost a tenth of a step. The locale cannot change within a request.
    """
    try:
        return g._trainer_translations
    except AttributeError:
        found = g._trainer_translations = get_translations()
        return found


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and route the core's messages through it."""
    Babel(app, locale_selector=select_locale)
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _translations().ugettext(s),
        ngettext=lambda s, p, n: _translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: _translations().unpgettext(c, s, p, n),
    )
    core_i18n.set_translator(_core_gettext)
    app.jinja_env.globals["LANGUAGE_NAMES"] = LANGUAGE_NAMES
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.globals["strength_name"] = strength_name
    app.jinja_env.filters["dimension_name"] = dimension_name
    app.jinja_env.globals["edge_totals"] = edge_totals


def _core_gettext(message: str) -> str:
    """Use Flask-Babel inside a request, plain text outside one (CLI, tests)."""
    from flask import has_request_context

    return babel_gettext(message) if has_request_context() else message
