from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from coop.web import DayField


class RunForm(FlaskForm):
    period_start = DayField("Work from", validators=[InputRequired("Enter the first day")])
    period_end = DayField("Work up to", validators=[InputRequired("Enter the last day")])
    submit = SubmitField("Make draft invoices")


class LineForm(FlaskForm):
    description = StringField("Description", validators=[DataRequired(), Length(max=300)])
    quantity = StringField("Quantity", default="1", validators=[DataRequired(), Length(max=10)])
    unit_price = StringField("Price each (£)", validators=[DataRequired(), Length(max=12)])
    vat_rate = StringField("VAT rate (%)", default="20", validators=[DataRequired(), Length(max=6)])
    submit = SubmitField("Add line")


class DiscountForm(FlaskForm):
    percent = StringField("Discount (%)", validators=[DataRequired(), Length(max=6)])
    description = StringField("Wording on the invoice (optional)", validators=[Optional(), Length(max=300)])
    submit = SubmitField("Add discount")


class NoteForm(FlaskForm):
    note = TextAreaField("Note on the invoice", validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Save note")


class PaymentForm(FlaskForm):
    paid_on = DayField("Date received", validators=[InputRequired("Enter the date")])
    amount = StringField("Amount (£)", validators=[DataRequired(), Length(max=12)])
    method = SelectField(
        "How",
        choices=[
            ("bank transfer", "Bank transfer"),
            ("cheque", "Cheque"),
            ("cash", "Cash"),
            ("card", "Card"),
            ("other", "Other"),
        ],
    )
    reference = StringField("Reference (optional)", validators=[Optional(), Length(max=100)])
    submit = SubmitField("Record payment")


class CreditForm(FlaskForm):
    amount = StringField("Amount to credit, including VAT (£)", validators=[DataRequired(), Length(max=12)])
    reason = TextAreaField("Why", validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField("Issue credit note")


class CreditUseForm(FlaskForm):
    to_invoice_id = SelectField("Use it for", coerce=int)
    amount = StringField("Amount (£)", validators=[DataRequired(), Length(max=12)])
    reference = StringField(
        "Reference (optional)",
        description="For a refund, how it was paid back (like the bank transfer's reference).",
        validators=[Optional(), Length(max=100)],
    )
    submit = SubmitField("Use the credit")


class ReverseForm(FlaskForm):
    reason = StringField("Why reverse it", validators=[DataRequired(), Length(max=500)])
    submit = SubmitField("Reverse payment")
