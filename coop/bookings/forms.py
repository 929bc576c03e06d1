from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length, NumberRange, Optional

from coop.bookings.models import SECTORS
from coop.i18n import lazy_gettext as _l
from coop.members.forms import CheckboxListField
from coop.web import DayField

WEEKDAY_CHOICES = [(0, "Mon"), (1, "Tue"), (2, "Wed"), (3, "Thu"), (4, "Fri"), (5, "Sat"), (6, "Sun")]


class ServiceForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=80)])
    description = TextAreaField("What it is, in plain words", validators=[Optional(), Length(max=2000)])
    skill_id = SelectField("Skill members need", coerce=int)
    # Left out (a co-op with one business, or a form sent without it), the service goes to the first.
    business_id = SelectField("Business it belongs to", coerce=int, validators=[Optional()])
    charge = StringField("Client charge per hour (£)", validators=[DataRequired(), Length(max=12)])
    pay = StringField(
        "Member pay per hour (£)",
        description="Never below the pay floor (the Real Living Wage by default).",
        validators=[DataRequired(), Length(max=12)],
    )
    vat_rate = StringField("VAT rate (%)", default="20", validators=[DataRequired(), Length(max=6)])
    min_booking_hours = StringField(
        "Shortest booking (hours)", default="1", validators=[DataRequired(), Length(max=5)]
    )
    involvement = BooleanField(
        "Involvement work",
        description="Consultation, panels, research or training. Members may choose to take less pay, "
        "or none, so that it fits their benefits. Ordinary work is always paid at least the pay floor.",
    )
    helpline = BooleanField(
        "Helpline",
        description="Answering the co-op's phone: members holding one of its shifts that day may "
        "record the calls of people asking about joining.",
    )
    active = BooleanField("Clients can book it", default=True)
    ask_members = BooleanField(
        "Save and ask them",
        description="If new pay or a new skill does not fit a member who holds a coming shift of this "
        "service, save it anyway and ask them whether they can still do it.",
    )
    submit = SubmitField("Save service")


class ClientForm(FlaskForm):
    name = StringField("Organisation name", validators=[DataRequired(), Length(max=120)])
    address = TextAreaField("Address", validators=[DataRequired(), Length(max=1000)])
    billing_email = EmailField(
        "Email for invoices", validators=[DataRequired(), Email("Enter an email address"), Length(max=254)]
    )
    payment_terms_days = IntegerField(
        "Days to pay invoices",
        default=30,
        validators=[InputRequired("Enter a number of days"), NumberRange(0, 120, "Between 0 and 120 days")],
    )
    invoice_grouping = RadioField(
        "Invoice lines",
        default="shift",
        choices=[("shift", "One line per visit"), ("service", "One line per service")],
    )
    confirms_work = BooleanField("Ask this client to confirm that the work happened")
    wants_einvoice = BooleanField("Attach the e-invoice (Factur-X) to their invoice emails too")
    statement_by_email = BooleanField("Email them a statement of their account each month")
    # Choices set by the view (the pseudo-languages only where the site offers them).
    language = SelectField(
        _l("Language of their invoices"),
        description=_l("Invoices, credit notes, statements and invoice emails to this client."),
        choices=[],
        validate_choice=True,
    )
    sector = SelectField(
        "Kind of organisation",
        description="Shown (never the client's name) on members' work records.",
        choices=list(SECTORS.items()),
        default="other",
    )
    submit = SubmitField("Save client")


class ContactForm(FlaskForm):
    name = StringField("Contact's name", validators=[DataRequired(), Length(max=80)])
    email = EmailField(
        "Contact's email", validators=[DataRequired(), Email("Enter an email address"), Length(max=254)]
    )
    submit = SubmitField("Invite contact")


class BookingForm(FlaskForm):
    service_id = SelectField("Service", coerce=int)
    site_address = TextAreaField("Where the work happens", validators=[DataRequired(), Length(max=1000)])
    start_date = DayField("Date (first date, if it repeats)", validators=[InputRequired("Enter a date")])
    start_time = TimeField("Start time", validators=[InputRequired("Enter a start time")])
    end_time = TimeField(
        "End time",
        description="If it ends after midnight, give the time on the next morning.",
        validators=[InputRequired("Enter an end time")],
    )
    workers = IntegerField(
        "Number of workers",
        default=1,
        validators=[InputRequired("Enter how many workers"), NumberRange(1, 50, "Between 1 and 50 workers")],
    )
    notes = TextAreaField("Anything we should know (optional)", validators=[Optional(), Length(max=2000)])
    recurrence = RadioField(
        "Does it repeat?",
        default="none",
        choices=[
            ("none", "No, just once"),
            ("weekly", "Every week"),
            ("fortnightly", "Every two weeks"),
            ("monthly", "Every month, on the same date"),
        ],
    )
    weekdays = CheckboxListField(
        "On which days (weekly or fortnightly)",
        coerce=int,
        choices=WEEKDAY_CHOICES,
        description="Leave empty to repeat on the first date's day.",
    )
    until_date = DayField("Last date (if it repeats)", validators=[Optional()])
    occurrences = IntegerField(
        "Or: how many times", validators=[Optional(), NumberRange(1, 104, "Between 1 and 104")]
    )
    preview = SubmitField("Check the price")
    submit = SubmitField("Send booking request")


class CoordinatorBookingForm(BookingForm):
    client_id = SelectField("Client", coerce=int)
    submit = SubmitField("Book and confirm")


class DeclineForm(FlaskForm):
    reason = TextAreaField("Reason (the client will see this)", validators=[DataRequired(), Length(max=1000)])
    submit = SubmitField("Decline request")


class ConfirmForm(FlaskForm):
    submit = SubmitField("Confirm and create shifts")


class CancelForm(FlaskForm):
    reason = StringField("Reason (optional)", validators=[Optional(), Length(max=500)])
    submit = SubmitField("Cancel")


class ShiftEditForm(FlaskForm):
    day = DayField("Date", validators=[InputRequired("Enter a date")])
    start_time = TimeField("Start time", validators=[InputRequired("Enter a start time")])
    end_time = TimeField("End time", validators=[InputRequired("Enter an end time")])
    site_address = TextAreaField("Address", validators=[DataRequired(), Length(max=1000)])
    notes = TextAreaField("Notes", validators=[Optional(), Length(max=2000)])
    slots = IntegerField(
        "Workers", validators=[InputRequired(), NumberRange(1, 50, "Between 1 and 50 workers")]
    )
    scope = RadioField(
        "Change",
        default="one",
        choices=[("one", "Just this visit"), ("future", "This and all later visits")],
    )
    ask_members = BooleanField(
        "Save and ask them",
        description="If the change does not fit a member who holds these visits, save it anyway and "
        "ask them whether they can still do it. Their place is kept until they answer.",
    )
    submit = SubmitField("Save changes")


class FeedForm(FlaskForm):
    submit = SubmitField("Make a new calendar address")


class VisitChangeForm(FlaskForm):
    day = DayField("Date", validators=[InputRequired("Enter a date")])
    start_time = TimeField("Start time", validators=[InputRequired("Enter a start time")])
    end_time = TimeField("End time", validators=[InputRequired("Enter an end time")])
    slots = IntegerField(
        "How many people",
        validators=[InputRequired("Enter how many people"), NumberRange(1, 50, "From 1 to 50")],
    )
    # No length validator: the service says how long it is, and nothing is saved.
    notes = TextAreaField("Notes for the people coming", validators=[Optional()])
    submit = SubmitField("Send the request")


class AnswerChangeForm(FlaskForm):
    ask_members = BooleanField(
        "Accept and ask them",
        description="If the change does not fit a member who holds this visit, accept it anyway and "
        "ask them whether they can still do it. Their place is kept until they answer.",
    )
    submit = SubmitField("Accept the change")


class DeclineChangeForm(FlaskForm):
    reason = StringField("Reason, for the client", validators=[InputRequired("Say why")])
    submit = SubmitField("Decline")


class VisitNoteForm(FlaskForm):
    note = TextAreaField(
        "How did it go?",
        description="A note to the coordinators about the service: what went well, what could be "
        "better. Please do not rate or name individual workers.",
        validators=[InputRequired("Write a few words about how it went")],
    )
    submit = SubmitField("Send")
