from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from coop.i18n import lazy_gettext as _l
from coop.web import DayField


class TimesheetForm(FlaskForm):
    day = DayField(_l("Date you started"), validators=[InputRequired(_l("Enter the date"))])
    start_time = TimeField(_l("Start time"), validators=[InputRequired(_l("Enter the start time"))])
    end_time = TimeField(_l("End time"), validators=[InputRequired(_l("Enter the end time"))])
    break_minutes = IntegerField(
        _l("Unpaid break (minutes)"),
        default=0,
        validators=[
            InputRequired(_l("Enter 0 if you had no unpaid break")),
            NumberRange(0, 960, _l("Between 0 and 960")),
        ],
    )
    note = TextAreaField(_l("Anything to add (optional)"), validators=[Optional(), Length(max=1000)])
    over_limit_confirmed = BooleanField(
        _l("These hours are right"),
        description=_l(
            "Only needed if your hours take you over your own limit. You are paid for every hour."
        ),
    )
    submit = SubmitField(_l("Send my hours"))


class QueryForm(FlaskForm):
    comment = TextAreaField(_l("What needs checking?"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Send question to the member"))


class BulkForm(FlaskForm):
    submit = SubmitField(_l("Approve the ticked timesheets"))


class ConfirmWorkForm(FlaskForm):
    submit = SubmitField(_l("Yes, this happened"))


class FilterForm(FlaskForm):
    week = StringField()
