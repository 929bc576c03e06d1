from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, EmailField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional

from coop.members.forms import CheckboxListField


class BusinessForm(FlaskForm):
    name = StringField("Trading name", validators=[DataRequired(), Length(max=80)])
    description = TextAreaField(
        "What the business does, in plain words", validators=[Optional(), Length(max=2000)]
    )
    contact_email = EmailField("Contact email (optional)", validators=[Optional(), Email(), Length(max=254)])
    contact_phone = StringField("Contact phone (optional)", validators=[Optional(), Length(max=40)])
    invoice_prefix = StringField(
        "Invoice number prefix",
        description="Each business numbers its invoices in its own series, such as CLN-00001. "
        "End the prefix with a letter or a sign such as '-'.",
        validators=[DataRequired(), Length(max=12)],
    )
    in_directory = BooleanField("Show it in the public directory", default=True)
    logo = FileField("Logo (optional: a PNG or JPEG image, up to 1 MB)")
    submit = SubmitField("Save business")


class LeadsForm(FlaskForm):
    leads = CheckboxListField(
        "Who leads it",
        coerce=int,
        description="Their home, rota, week and invoices start with this business's work, and its "
        "requests reach them first.",
    )
    submit = SubmitField("Save leads")


class QuoteForm(FlaskForm):
    organisation = StringField("Your organisation's name", validators=[DataRequired(), Length(max=120)])
    contact_name = StringField("Your name", validators=[DataRequired(), Length(max=120)])
    contact_email = EmailField("Your email address", validators=[DataRequired(), Email(), Length(max=254)])
    contact_phone = StringField("Your phone number (optional)", validators=[Optional(), Length(max=40)])
    need = TextAreaField("What do you need?", validators=[DataRequired(), Length(max=2000)])
    place = TextAreaField("Where? (the address, or the area)", validators=[Optional(), Length(max=1000)])
    timing = TextAreaField(
        "When? (dates, days or times, how often)", validators=[Optional(), Length(max=1000)]
    )
    submit = SubmitField("Ask for a quote")
