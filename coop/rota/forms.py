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

from coop.rota.models import DEFAULT_REMINDER_HOUR
from coop.web import ActionForm as BaseActionForm
from coop.web import DayField, IdField


class ConfirmActionForm(BaseActionForm):
    """A one-button form (claim, drop, swap...), with a confirmation flag for the cap warning."""

    confirm = HiddenField()


class PreferencesForm(FlaskForm):
    preferred_hours_week = IntegerField(
        "Hours a week you would like (optional)",
        validators=[Optional(), NumberRange(0, 60, "Between 0 and 60")],
    )
    show_open_when_paused = BooleanField("Show me open shifts while I am taking a break")
    daily_digest = BooleanField("Email me once a day about new shifts I could do")
    reminder_hour = SelectField(
        "Remind me of tomorrow's shifts",
        choices=[("", "No reminders")] + [(str(h), f"at {h:02d}:00 the day before") for h in range(6, 23)],
        default=str(DEFAULT_REMINDER_HOUR),
        validators=[Optional()],
    )
    submit = SubmitField("Save")


class TimeOffForm(FlaskForm):
    first_day = DayField("First day away", validators=[InputRequired("Enter the first day")])
    last_day = DayField("Last day away", validators=[InputRequired("Enter the last day")])
    note = StringField("Reason (optional, only you see it)", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Add time off")


class FillForm(FlaskForm):
    member_id = IdField(validators=[InputRequired()])
    submit = SubmitField("Give this slot")
