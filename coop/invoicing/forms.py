from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from coop.i18n import lazy_gettext as _l
from coop.web import DayField


class RunForm(FlaskForm):
    period_start = DayField(_l("Work from"), validators=[InputRequired(_l("Enter the first day"))])
    period_end = DayField(_l("Work up to"), validators=[InputRequired(_l("Enter the last day"))])
    submit = SubmitField(_l("Make draft invoices"))


class LineForm(FlaskForm):
    description = StringField(_l("Description"), validators=[DataRequired(), Length(max=300)])
    quantity = StringField(_l("Quantity"), default="1", validators=[DataRequired(), Length(max=10)])
    unit_price = StringField(_l("Price each (£)"), validators=[DataRequired(), Length(max=12)])
    vat_rate = StringField(_l("VAT rate (%)"), default="20", validators=[DataRequired(), Length(max=6)])
    submit = SubmitField(_l("Add line"))


class DiscountForm(FlaskForm):
    percent = StringField(_l("Discount (%)"), validators=[DataRequired(), Length(max=6)])
    description = StringField(
        _l("Wording on the invoice (optional)"), validators=[Optional(), Length(max=300)]
    )
    submit = SubmitField(_l("Add discount"))


class NoteForm(FlaskForm):
    note = TextAreaField(_l("Note on the invoice"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Save note"))


class PaymentForm(FlaskForm):
    paid_on = DayField(_l("Date received"), validators=[InputRequired(_l("Enter the date"))])
    amount = StringField(_l("Amount (£)"), validators=[DataRequired(), Length(max=12)])
    method = SelectField(
        _l("How"),
        choices=[
            ("bank transfer", _l("Bank transfer")),
            ("cheque", _l("Cheque")),
            ("cash", _l("Cash")),
            ("card", _l("Card")),
            ("other", _l("Other")),
        ],
    )
    reference = StringField(_l("Reference (optional)"), validators=[Optional(), Length(max=100)])
    submit = SubmitField(_l("Record payment"))


class CreditForm(FlaskForm):
    amount = StringField(
        _l("Amount to credit, including VAT (£)"), validators=[DataRequired(), Length(max=12)]
    )
    reason = TextAreaField(_l("Why"), validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField(_l("Issue credit note"))


class CreditUseForm(FlaskForm):
    to_invoice_id = SelectField(_l("Use it for"), coerce=int)
    amount = StringField(_l("Amount (£)"), validators=[DataRequired(), Length(max=12)])
    reference = StringField(
        _l("Reference (optional)"),
        description=_l("For a refund, how it was paid back (like the bank transfer's reference)."),
        validators=[Optional(), Length(max=100)],
    )
    submit = SubmitField(_l("Use the credit"))


class ReverseForm(FlaskForm):
    reason = StringField(_l("Why reverse it"), validators=[DataRequired(), Length(max=500)])
    submit = SubmitField(_l("Reverse payment"))


class InvoiceLanguageForm(FlaskForm):
    """A client's choice of the language of their invoices (choices set by the view)."""

    language = SelectField(_l("Language of your invoices"), choices=[], validate_choice=True)
    submit = SubmitField(_l("Save"))
