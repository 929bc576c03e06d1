from flask_wtf import FlaskForm
from wtforms import BooleanField, IntegerField, StringField, SubmitField, TextAreaField, TimeField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from coop.web import DayField


class TimesheetForm(FlaskForm):
    day = DayField("Date you started", validators=[InputRequired("Enter the date")])
    start_time = TimeField("Start time", validators=[InputRequired("Enter the start time")])
    end_time = TimeField("End time", validators=[InputRequired("Enter the end time")])
    break_minutes = IntegerField(
        "Unpaid break (minutes)",
        default=0,
        validators=[
            InputRequired("Enter 0 if you had no unpaid break"),
            NumberRange(0, 960, "Between 0 and 960"),
        ],
    )
    note = TextAreaField("Anything to add (optional)", validators=[Optional(), Length(max=1000)])
    over_limit_confirmed = BooleanField(
        "These hours are right",
        description="Only needed if your hours take you over your own limit. You are paid for every hour.",
    )
    submit = SubmitField("Send my hours")


class QueryForm(FlaskForm):
    comment = TextAreaField("What needs checking?", validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField("Send question to the member")


class BulkForm(FlaskForm):
    submit = SubmitField("Approve the ticked timesheets")


class ConfirmWorkForm(FlaskForm):
    submit = SubmitField("Yes, this happened")


class FilterForm(FlaskForm):
    week = StringField()
