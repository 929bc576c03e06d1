from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from coop.books.models import StatementFormat
from coop.i18n import lazy_gettext as _l
from coop.web import DayField, db_id

FORMAT_CHOICES = [
    (StatementFormat.OFX, _l("OFX (Money, Quicken)")),
    (StatementFormat.MT940, _l("MT940 (SWIFT)")),
    (StatementFormat.CAMT053, _l("CAMT.053 (ISO 20022 XML)")),
    (StatementFormat.CSV, _l("CSV (spreadsheet)")),
]


class StatementForm(FlaskForm):
    bank = StringField(
        _l("Bank account"),
        description=_l("A name for the account, like “Co-op Bank current account”."),
        validators=[DataRequired(_l("Say which bank account this statement is from.")), Length(max=80)],
    )
    format = RadioField(_l("Format of the file"), choices=FORMAT_CHOICES, default=StatementFormat.OFX)
    statement = FileField(_l("Statement file (up to 2 MB)"))
    date_column = StringField(_l("Column with the date"), validators=[Optional(), Length(max=80)])
    amount_column = StringField(_l("Column with the amount paid in"), validators=[Optional(), Length(max=80)])
    reference_column = StringField(_l("Column with the reference"), validators=[Optional(), Length(max=80)])
    payer_column = StringField(_l("Column with who paid (optional)"), validators=[Optional(), Length(max=80)])
    submit = SubmitField(_l("Read the statement"))


SPLITS = 3


def invoice_choice(value: object) -> int:
    """An invoice id from the form, or 0 (none chosen) for anything an id column cannot hold."""
    try:
        return db_id(str(value))
    except ValueError:
        return 0


class ConfirmForm(FlaskForm):
    """One payment in, on up to three invoices."""

    invoice_1 = SelectField(_l("Invoice"), coerce=invoice_choice, validate_choice=False)
    amount_1 = StringField(_l("Amount (£)"), validators=[Optional(), Length(max=12)])
    invoice_2 = SelectField(_l("Second invoice (to split it)"), coerce=invoice_choice, validate_choice=False)
    amount_2 = StringField(_l("Amount (£)"), validators=[Optional(), Length(max=12)])
    invoice_3 = SelectField(_l("Third invoice"), coerce=invoice_choice, validate_choice=False)
    amount_3 = StringField(_l("Amount (£)"), validators=[Optional(), Length(max=12)])
    submit = SubmitField(_l("Confirm"))

    def rows(self) -> list[tuple[SelectField, StringField]]:
        return [(getattr(self, f"invoice_{n}"), getattr(self, f"amount_{n}")) for n in range(1, SPLITS + 1)]


class JournalForm(FlaskForm):
    period_start = DayField(_l("First day"), validators=[InputRequired(_l("Enter the first day"))])
    period_end = DayField(_l("Last day"), validators=[InputRequired(_l("Enter the last day"))])
    layout = RadioField(
        _l("For"),
        choices=[
            ("xero", _l("Xero (manual journal CSV)")),
            ("quickbooks", _l("QuickBooks Online (journal entries CSV)")),
            ("sage", _l("Sage 50 Accounts (audit trail CSV)")),
            ("beancount", _l("Beancount (plain-text accounts)")),
        ],
        default="xero",
    )
    submit = SubmitField(_l("Download the journal"))
