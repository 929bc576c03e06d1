from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from coop.web import DayField


class ExpenseForm(FlaskForm):
    kind = RadioField(
        "What kind?", choices=[("travel", "Travel"), ("materials", "Materials")], default="travel"
    )
    spent_on = DayField("Date you paid", validators=[InputRequired("Enter the date")])
    description = StringField("What it was for", validators=[DataRequired(), Length(max=500)])
    amount = StringField("Amount (£)", validators=[DataRequired(), Length(max=12)])
    receipt = FileField("Receipt (photo or PDF, up to 5 MB)")
    submit = SubmitField("Claim expense")


class DecideExpenseForm(FlaskForm):
    decision = RadioField(
        "Decision", choices=[("approve", "Approve"), ("reject", "Reject")], default="approve"
    )
    note = StringField("Note for the member (optional)", validators=[Optional(), Length(max=500)])
    submit = SubmitField("Save decision")


class PayRunForm(FlaskForm):
    period_start = DayField("Period starts", validators=[InputRequired("Enter the first day")])
    period_end = DayField("Period ends", validators=[InputRequired("Enter the last day")])
    submit = SubmitField("Make a draft pay run")


class AdjustmentForm(FlaskForm):
    member_id = SelectField("Member", coerce=int)
    amount = StringField(
        "Amount (£; use a minus sign to take back)", validators=[DataRequired(), Length(max=12)]
    )
    reason = TextAreaField("What it corrects", validators=[DataRequired(), Length(max=500)])
    pay_on = SelectField(
        "Pay it on",
        description="The next pay day, unless the member asked for a later one (for their benefits).",
    )
    submit = SubmitField("Add to that pay run")
