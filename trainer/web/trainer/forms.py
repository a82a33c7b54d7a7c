"""The trainer's forms: a cohort's name, a co-trainer, an assignment."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectChoice, SelectField, StringField
from wtforms.fields import DateField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError


class CohortForm(FlaskForm):
    """Create or rename a cohort."""

    name = StringField(
        _l("Name of the cohort"),
        [DataRequired(_l("Give the cohort a name.")), Length(max=200)],
    )


class CoTrainerForm(FlaskForm):
    """Add a co-trainer by username."""

    username = StringField(
        _l("Username of a trainer"),
        [DataRequired(_l("Enter the username of a trainer.")), Length(max=80)],
    )


class AssignmentForm(FlaskForm):
    """Assign a module to the cohort or one learner."""

    story = SelectField(_l("Module"))
    learner = SelectField(_l("Assign to"))
    open_date = DateField(_l("Open date (UTC)"), validators=[Optional()])
    due_date = DateField(_l("Due date (UTC, end of the day)"), validators=[Optional()])
    pass_mark = IntegerField(
        _l("Pass mark"),
        validators=[
            Optional(),
            NumberRange(0, 100, message=_l("A pass mark is between 0 and 100.")),
        ],
    )
    mode = RadioField(
        _l("Kind"),
        choices=[
            SelectChoice("graded", _l("Graded: passed or failed against the pass mark")),
            SelectChoice("practice", _l("Practice: only completion is shown")),
        ],
        default="graded",
    )
    counts = RadioField(
        _l("Which attempt counts"),
        choices=[
            SelectChoice("best", _l("The best score")),
            SelectChoice("last", _l("The last attempt")),
            SelectChoice("first", _l("The first attempt")),
        ],
        default="best",
    )

    def validate_due_date(self, field: DateField) -> None:
        """The due date cannot come before the open date."""
        if field.data and self.open_date.data and field.data < self.open_date.data:
            raise ValidationError(_("The due date is before the open date."))
