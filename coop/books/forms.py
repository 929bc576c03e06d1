from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from coop.books.models import StatementFormat
from coop.web import DayField, db_id

FORMAT_CHOICES = [
    (StatementFormat.OFX, "OFX (Money, Quicken)"),
    (StatementFormat.MT940, "MT940 (SWIFT)"),
    (StatementFormat.CAMT053, "CAMT.053 (ISO 20022 XML)"),
    (StatementFormat.CSV, "CSV (spreadsheet)"),
]


class StatementForm(FlaskForm):
    bank = StringField(
        "Bank account",
        description="A name for the account, like “Co-op Bank current account”.",
        validators=[DataRequired("Say which bank account this statement is from."), Length(max=80)],
    )
    format = RadioField("Format of the file", choices=FORMAT_CHOICES, default=StatementFormat.OFX)
    statement = FileField("Statement file (up to 2 MB)")
    date_column = StringField("Column with the date", validators=[Optional(), Length(max=80)])
    amount_column = StringField("Column with the amount paid in", validators=[Optional(), Length(max=80)])
    reference_column = StringField("Column with the reference", validators=[Optional(), Length(max=80)])
    payer_column = StringField("Column with who paid (optional)", validators=[Optional(), Length(max=80)])
    submit = SubmitField("Read the statement")


SPLITS = 3


def invoice_choice(value: object) -> int:
    """An invoice id from the form, or 0 (none chosen) for anything an id column cannot hold."""
    try:
        return db_id(str(value))
    except ValueError:
        return 0


class ConfirmForm(FlaskForm):
    """One payment in, on up to three invoices."""

    invoice_1 = SelectField("Invoice", coerce=invoice_choice, validate_choice=False)
    amount_1 = StringField("Amount (£)", validators=[Optional(), Length(max=12)])
    invoice_2 = SelectField("Second invoice (to split it)", coerce=invoice_choice, validate_choice=False)
    amount_2 = StringField("Amount (£)", validators=[Optional(), Length(max=12)])
    invoice_3 = SelectField("Third invoice", coerce=invoice_choice, validate_choice=False)
    amount_3 = StringField("Amount (£)", validators=[Optional(), Length(max=12)])
    submit = SubmitField("Confirm")

    def rows(self) -> list[tuple[SelectField, StringField]]:
        return [(getattr(self, f"invoice_{n}"), getattr(self, f"amount_{n}")) for n in range(1, SPLITS + 1)]


class JournalForm(FlaskForm):
    period_start = DayField("First day", validators=[InputRequired("Enter the first day")])
    period_end = DayField("Last day", validators=[InputRequired("Enter the last day")])
    layout = RadioField(
        "For",
        choices=[
            ("xero", "Xero (manual journal CSV)"),
            ("quickbooks", "QuickBooks Online (journal entries CSV)"),
            ("sage", "Sage 50 Accounts (audit trail CSV)"),
            ("beancount", "Beancount (plain-text accounts)"),
        ],
        default="xero",
    )
    submit = SubmitField("Download the journal")
