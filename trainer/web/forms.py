"""Forms (Flask-WTF: validation messages on the page, CSRF token on every form)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp


class RegisterForm(FlaskForm):
    """Self-registration."""

    username = StringField(
        _l("Username"),
        validators=[
            DataRequired(_l("Choose a username.")),
            Regexp(
                r"^[A-Za-z0-9_.@-]{3,80}$",
                message=_l("3 to 80 letters, digits or _ . @ -, no spaces."),
            ),
        ],
    )
    display_name = StringField(_l("Your name (shown to your trainer)"), [Length(max=120)])
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(min=8, message=_l("At least 8 characters.")),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[EqualTo("password", message=_l("The two passwords differ."))],
    )


class LoginForm(FlaskForm):
    """Sign in."""

    username = StringField(_l("Username"), [DataRequired(_l("Enter your username."))])
    password = PasswordField(_l("Password"), [DataRequired(_l("Enter your password."))])
    remember = BooleanField(_l("Keep me signed in on this device"))


class PasswordForm(FlaskForm):
    """Change password."""

    current = PasswordField(_l("Current password"), [DataRequired(_l("Enter your password."))])
    password = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(_l("Choose a password.")),
            Length(min=8, message=_l("At least 8 characters.")),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[EqualTo("password", message=_l("The two passwords differ."))],
    )
