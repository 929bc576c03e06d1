from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from coop.i18n import lazy_gettext as _l
from coop.members.forms import CheckboxListField


class BusinessForm(FlaskForm):
    name = StringField(_l("Trading name"), validators=[DataRequired(), Length(max=80)])
    description = TextAreaField(
        _l("What the business does, in plain words"), validators=[Optional(), Length(max=2000)]
    )
    contact_email = EmailField(
        _l("Contact email (optional)"), validators=[Optional(), Email(), Length(max=254)]
    )
    contact_phone = StringField(_l("Contact phone (optional)"), validators=[Optional(), Length(max=40)])
    invoice_prefix = StringField(
        _l("Invoice number prefix"),
        description=_l(
            "Each business numbers its invoices in its own series, such as CLN-00001. "
            "End the prefix with a letter or a sign such as '-'."
        ),
        validators=[DataRequired(), Length(max=12)],
    )
    in_directory = BooleanField(_l("Show it in the public directory"), default=True)
    logo = FileField(_l("Logo (optional: a PNG or JPEG image, up to 1 MB)"))
    submit = SubmitField(_l("Save business"))


class LeadsForm(FlaskForm):
    leads = CheckboxListField(
        _l("Who leads it"),
        coerce=int,
        description=_l(
            "Their home, rota, week and invoices start with this business's work, and its "
            "requests reach them first."
        ),
    )
    submit = SubmitField(_l("Save leads"))


class QuoteForm(FlaskForm):
    organisation = StringField(_l("Your organisation's name"), validators=[DataRequired(), Length(max=120)])
    contact_name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=120)])
    contact_email = EmailField(
        _l("Your email address"), validators=[DataRequired(), Email(), Length(max=254)]
    )
    contact_phone = StringField(_l("Your phone number (optional)"), validators=[Optional(), Length(max=40)])
    need = TextAreaField(_l("What do you need?"), validators=[DataRequired(), Length(max=2000)])
    place = TextAreaField(_l("Where? (the address, or the area)"), validators=[Optional(), Length(max=1000)])
    timing = TextAreaField(
        _l("When? (dates, days or times, how often)"), validators=[Optional(), Length(max=1000)]
    )
    submit = SubmitField(_l("Ask for a quote"))
