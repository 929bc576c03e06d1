from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import Length, Optional

from coop.enquiries.models import SOURCES
from coop.members.forms import CheckboxListField

# Every field is checked by the service (coop.enquiries.service.checked); the form only limits lengths.


class EnquiryForm(FlaskForm):
    name = StringField("What would you like us to call you?", validators=[Length(max=80)])
    email = StringField(
        "Email address",
        description="An email address or a phone number: whichever suits you.",
        validators=[Optional(), Length(max=254)],
    )
    phone = StringField("Phone number", validators=[Optional(), Length(max=40)])
    good_time = StringField(
        "When is a good time to get in touch?",
        description="For example: weekday mornings, or after 4pm.",
        validators=[Optional(), Length(max=200)],
    )
    work_interests = TextAreaField(
        "What kinds of work interest you?",
        description="For example: gardening, cleaning, cooking, office work, answering the phone, "
        "sitting on interview panels. It is fine not to know yet.",
        validators=[Optional(), Length(max=2000)],
    )
    would_help = TextAreaField(
        "What would help you?",
        description="Anything that would make it easier to get started, if you would like to say.",
        validators=[Optional(), Length(max=2000)],
    )
    heard_from = RadioField(
        "How did you hear about us?", choices=list(SOURCES.items()), validate_choice=False
    )
    consent = BooleanField("You may contact me about working with the co-op")
    # The trap for robots: people never see it (coop.enquiries.service.receive).
    website = StringField("Leave this empty", validators=[Optional(), Length(max=200)])
    submit = SubmitField("Send")


class CallForm(EnquiryForm):
    name = StringField("What they would like to be called", validators=[Length(max=80)])
    work_interests = TextAreaField("Work that interests them", validators=[Optional(), Length(max=2000)])
    would_help = TextAreaField("What would help them", validators=[Optional(), Length(max=2000)])
    heard_from = RadioField("How they heard about us", choices=list(SOURCES.items()), validate_choice=False)
    consent = BooleanField("They agreed that we may contact them")
    said = TextAreaField("What was said and agreed", validators=[Length(max=2000)])
    submit = SubmitField("Save the call")


class NoteForm(FlaskForm):
    body = TextAreaField("What happened", validators=[Length(max=2000)])
    contacted = BooleanField("We got through to them", default=True)
    submit = SubmitField("Add the note")


class AssignForm(FlaskForm):
    user_id = SelectField("Give it to", coerce=int, validate_choice=False)
    submit = SubmitField("Give it to them")


class InviteForm(FlaskForm):
    display_name = StringField("Their name as members will see it", validators=[Length(max=80)])
    email = StringField("Email address for the invitation", validators=[Length(max=254)])
    skills = CheckboxListField("Skills they have (optional)", coerce=int, validate_choice=False)
    submit = SubmitField("Invite them to join")


class PointForm(FlaskForm):
    entry_id = SelectField("The opportunity", coerce=int, validate_choice=False)
    note = TextAreaField("Anything to add (optional)", validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Pointed them to it")


class CloseForm(FlaskForm):
    note = TextAreaField("Anything to add (optional)", validators=[Optional(), Length(max=1000)])
    submit = SubmitField("Close it: they do not want to go on")
