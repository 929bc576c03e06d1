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
from coop.i18n import weekday_choices
from coop.members.forms import CheckboxListField
from coop.web import DayField

WEEKDAY_CHOICES = weekday_choices(short=True)


class ServiceForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=80)])
    description = TextAreaField(_l("What it is, in plain words"), validators=[Optional(), Length(max=2000)])
    skill_id = SelectField(_l("Skill members need"), coerce=int)
    # Left out (a co-op with one business, or a form sent without it), the service goes to the first.
    business_id = SelectField(_l("Business it belongs to"), coerce=int, validators=[Optional()])
    charge = StringField(_l("Client charge per hour (£)"), validators=[DataRequired(), Length(max=12)])
    pay = StringField(
        _l("Member pay per hour (£)"),
        description=_l("Never below the pay floor (the Real Living Wage by default)."),
        validators=[DataRequired(), Length(max=12)],
    )
    vat_rate = StringField(_l("VAT rate (%)"), default="20", validators=[DataRequired(), Length(max=6)])
    min_booking_hours = StringField(
        _l("Shortest booking (hours)"), default="1", validators=[DataRequired(), Length(max=5)]
    )
    involvement = BooleanField(
        _l("Involvement work"),
        description=_l(
            "Consultation, panels, research or training. Members may choose to take less pay, "
            "or none, so that it fits their benefits. Ordinary work is always paid at least the pay floor."
        ),
    )
    helpline = BooleanField(
        _l("Helpline"),
        description=_l(
            "Answering the co-op's phone: members holding one of its shifts that day may "
            "record the calls of people asking about joining."
        ),
    )
    active = BooleanField(_l("Clients can book it"), default=True)
    ask_members = BooleanField(
        _l("Save and ask them"),
        description=_l(
            "If new pay or a new skill does not fit a member who holds a coming shift of this "
            "service, save it anyway and ask them whether they can still do it."
        ),
    )
    submit = SubmitField(_l("Save service"))


class ClientForm(FlaskForm):
    name = StringField(_l("Organisation name"), validators=[DataRequired(), Length(max=120)])
    address = TextAreaField(_l("Address"), validators=[DataRequired(), Length(max=1000)])
    billing_email = EmailField(
        _l("Email for invoices"),
        validators=[DataRequired(), Email(_l("Enter an email address")), Length(max=254)],
    )
    payment_terms_days = IntegerField(
        _l("Days to pay invoices"),
        default=30,
        validators=[
            InputRequired(_l("Enter a number of days")),
            NumberRange(0, 120, _l("Between 0 and 120 days")),
        ],
    )
    invoice_grouping = RadioField(
        _l("Invoice lines"),
        default="shift",
        choices=[("shift", _l("One line per visit")), ("service", _l("One line per service"))],
    )
    confirms_work = BooleanField(_l("Ask this client to confirm that the work happened"))
    wants_einvoice = BooleanField(_l("Attach the e-invoice (Factur-X) to their invoice emails too"))
    statement_by_email = BooleanField(_l("Email them a statement of their account each month"))
    # Choices set by the view (the pseudo-languages only where the site offers them).
    language = SelectField(
        _l("Language of their invoices"),
        description=_l("Invoices, credit notes, statements and invoice emails to this client."),
        choices=[],
        validate_choice=True,
    )
    sector = SelectField(
        _l("Kind of organisation"),
        description=_l("Shown (never the client's name) on members' work records."),
        choices=[(k, _l(v)) for k, v in SECTORS.items()],
        default="other",
    )
    submit = SubmitField(_l("Save client"))


class ContactForm(FlaskForm):
    name = StringField(_l("Contact's name"), validators=[DataRequired(), Length(max=80)])
    email = EmailField(
        _l("Contact's email"),
        validators=[DataRequired(), Email(_l("Enter an email address")), Length(max=254)],
    )
    submit = SubmitField(_l("Invite contact"))


class BookingForm(FlaskForm):
    service_id = SelectField(_l("Service"), coerce=int)
    site_address = TextAreaField(_l("Where the work happens"), validators=[DataRequired(), Length(max=1000)])
    start_date = DayField(
        _l("Date (first date, if it repeats)"), validators=[InputRequired(_l("Enter a date"))]
    )
    start_time = TimeField(_l("Start time"), validators=[InputRequired(_l("Enter a start time"))])
    end_time = TimeField(
        _l("End time"),
        description=_l("If it ends after midnight, give the time on the next morning."),
        validators=[InputRequired(_l("Enter an end time"))],
    )
    workers = IntegerField(
        _l("Number of workers"),
        default=1,
        validators=[
            InputRequired(_l("Enter how many workers")),
            NumberRange(1, 50, _l("Between 1 and 50 workers")),
        ],
    )
    notes = TextAreaField(_l("Anything we should know (optional)"), validators=[Optional(), Length(max=2000)])
    recurrence = RadioField(
        _l("Does it repeat?"),
        default="none",
        choices=[
            ("none", _l("No, just once")),
            ("weekly", _l("Every week")),
            ("fortnightly", _l("Every two weeks")),
            ("monthly", _l("Every month, on the same date")),
        ],
    )
    weekdays = CheckboxListField(
        _l("On which days (weekly or fortnightly)"),
        coerce=int,
        choices=WEEKDAY_CHOICES,
        description=_l("Leave empty to repeat on the first date's day."),
    )
    until_date = DayField(_l("Last date (if it repeats)"), validators=[Optional()])
    occurrences = IntegerField(
        _l("Or: how many times"), validators=[Optional(), NumberRange(1, 104, _l("Between 1 and 104"))]
    )
    preview = SubmitField(_l("Check the price"))
    submit = SubmitField(_l("Send booking request"))


class CoordinatorBookingForm(BookingForm):
    client_id = SelectField(_l("Client"), coerce=int)
    submit = SubmitField(_l("Book and confirm"))


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason (the client will see this)"), validators=[DataRequired(), Length(max=1000)]
    )
    submit = SubmitField(_l("Decline request"))


class ConfirmForm(FlaskForm):
    submit = SubmitField(_l("Confirm and create shifts"))


class CancelForm(FlaskForm):
    reason = StringField(_l("Reason (optional)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Cancel"))


class ShiftEditForm(FlaskForm):
    day = DayField(_l("Date"), validators=[InputRequired(_l("Enter a date"))])
    start_time = TimeField(_l("Start time"), validators=[InputRequired(_l("Enter a start time"))])
    end_time = TimeField(_l("End time"), validators=[InputRequired(_l("Enter an end time"))])
    site_address = TextAreaField(_l("Address"), validators=[DataRequired(), Length(max=1000)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])
    slots = IntegerField(
        _l("Workers"), validators=[InputRequired(), NumberRange(1, 50, _l("Between 1 and 50 workers"))]
    )
    scope = RadioField(
        _l("Change"),
        default="one",
        choices=[("one", _l("Just this visit")), ("future", _l("This and all later visits"))],
    )
    ask_members = BooleanField(
        _l("Save and ask them"),
        description=_l(
            "If the change does not fit a member who holds these visits, save it anyway and "
            "ask them whether they can still do it. Their place is kept until they answer."
        ),
    )
    submit = SubmitField(_l("Save changes"))


class FeedForm(FlaskForm):
    submit = SubmitField(_l("Make a new calendar address"))


class VisitChangeForm(FlaskForm):
    day = DayField(_l("Date"), validators=[InputRequired(_l("Enter a date"))])
    start_time = TimeField(_l("Start time"), validators=[InputRequired(_l("Enter a start time"))])
    end_time = TimeField(_l("End time"), validators=[InputRequired(_l("Enter an end time"))])
    slots = IntegerField(
        _l("How many people"),
        validators=[InputRequired(_l("Enter how many people")), NumberRange(1, 50, _l("From 1 to 50"))],
    )
    # No length validator: the service says how long it is, and nothing is saved.
    notes = TextAreaField(_l("Notes for the people coming"), validators=[Optional()])
    submit = SubmitField(_l("Send the request"))


class AnswerChangeForm(FlaskForm):
    ask_members = BooleanField(
        _l("Accept and ask them"),
        description=_l(
            "If the change does not fit a member who holds this visit, accept it anyway and "
            "ask them whether they can still do it. Their place is kept until they answer."
        ),
    )
    submit = SubmitField(_l("Accept the change"))


class DeclineChangeForm(FlaskForm):
    reason = StringField(_l("Reason, for the client"), validators=[InputRequired(_l("Say why"))])
    submit = SubmitField(_l("Decline"))


class VisitNoteForm(FlaskForm):
    note = TextAreaField(
        _l("How did it go?"),
        description=_l(
            "A note to the coordinators about the service: what went well, what could be "
            "better. Please do not rate or name individual workers."
        ),
        validators=[InputRequired(_l("Write a few words about how it went"))],
    )
    submit = SubmitField(_l("Send"))
