from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from coop.i18n import lazy_gettext as _l
from coop.rota.models import DEFAULT_REMINDER_HOUR
from coop.web import ActionForm as BaseActionForm
from coop.web import DayField, IdField


class ConfirmActionForm(BaseActionForm):
    """A one-button form (claim, drop, swap...), with a confirmation flag for the limit warning."""

    confirm = HiddenField()


class PreferencesForm(FlaskForm):
    preferred_hours_week = IntegerField(
        _l("Hours a week you would like (optional)"),
        validators=[Optional(), NumberRange(0, 60, _l("Between 0 and 60"))],
    )
    show_open_when_paused = BooleanField(_l("Show me open shifts while I am taking a break"))
    daily_digest = BooleanField(_l("Email me once a day about new shifts I could do"))
    reminder_hour = SelectField(
        _l("Remind me of tomorrow's shifts"),
        choices=[("", _l("No reminders"))]
        + [(str(h), _l("at %(time)s the day before", time=str(h).zfill(2) + ":00")) for h in range(6, 23)],
        default=str(DEFAULT_REMINDER_HOUR),
        validators=[Optional()],
    )
    submit = SubmitField(_l("Save"))


class TimeOffForm(FlaskForm):
    first_day = DayField(_l("First day away"), validators=[InputRequired(_l("Enter the first day"))])
    last_day = DayField(_l("Last day away"), validators=[InputRequired(_l("Enter the last day"))])
    note = StringField(_l("Reason (optional, only you see it)"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Add time off"))


class FillForm(FlaskForm):
    member_id = IdField(validators=[InputRequired()])
    submit = SubmitField(_l("Give this slot"))
