from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from coop.i18n import lazy_gettext as _l
from coop.web import DayField


class ExpenseForm(FlaskForm):
    kind = RadioField(
        _l("What kind?"),
        choices=[("travel", _l("Travel")), ("materials", _l("Materials"))],
        default="travel",
    )
    spent_on = DayField(_l("Date you paid"), validators=[InputRequired(_l("Enter the date"))])
    description = StringField(_l("What it was for"), validators=[DataRequired(), Length(max=500)])
    amount = StringField(_l("Amount (£)"), validators=[DataRequired(), Length(max=12)])
    receipt = FileField(_l("Receipt (photo or PDF, up to 5 MB)"))
    submit = SubmitField(_l("Claim expense"))


class DecideExpenseForm(FlaskForm):
    decision = RadioField(
        _l("Decision"), choices=[("approve", _l("Approve")), ("reject", _l("Reject"))], default="approve"
    )
    note = StringField(_l("Note for the member (optional)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save decision"))


class PayRunForm(FlaskForm):
    period_start = DayField(_l("Period starts"), validators=[InputRequired(_l("Enter the first day"))])
    period_end = DayField(_l("Period ends"), validators=[InputRequired(_l("Enter the last day"))])
    submit = SubmitField(_l("Make a draft pay run"))


class AdjustmentForm(FlaskForm):
    member_id = SelectField(_l("Member"), coerce=int)
    amount = StringField(
        _l("Amount (£; use a minus sign to take back)"), validators=[DataRequired(), Length(max=12)]
    )
    reason = TextAreaField(_l("What it corrects"), validators=[DataRequired(), Length(max=500)])
    pay_on = SelectField(
        _l("Pay it on"),
        description=_l("The next pay day, unless the member asked for a later one (for their benefits)."),
    )
    submit = SubmitField(_l("Add to that pay run"))
