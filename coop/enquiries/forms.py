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
from coop.i18n import lazy_gettext as _l
from coop.members.forms import CheckboxListField

# Every field is checked by the service (coop.enquiries.service.checked); the form only limits lengths.


class EnquiryForm(FlaskForm):
    name = StringField(_l("What would you like us to call you?"), validators=[Length(max=80)])
    email = StringField(
        _l("Email address"),
        description=_l("An email address or a phone number: whichever suits you."),
        validators=[Optional(), Length(max=254)],
    )
    phone = StringField(_l("Phone number"), validators=[Optional(), Length(max=40)])
    good_time = StringField(
        _l("When is a good time to get in touch?"),
        description=_l("For example: weekday mornings, or after 4pm."),
        validators=[Optional(), Length(max=200)],
    )
    work_interests = TextAreaField(
        _l("What kinds of work interest you?"),
        description=_l(
            "For example: gardening, cleaning, cooking, office work, answering the phone, "
            "sitting on interview panels. It is fine not to know yet."
        ),
        validators=[Optional(), Length(max=2000)],
    )
    would_help = TextAreaField(
        _l("What would help you?"),
        description=_l("Anything that would make it easier to get started, if you would like to say."),
        validators=[Optional(), Length(max=2000)],
    )
    heard_from = RadioField(
        _l("How did you hear about us?"),
        choices=[(k, _l(v)) for k, v in SOURCES.items()],
        validate_choice=False,
    )
    consent = BooleanField(_l("You may contact me about working with the co-op"))
    # The trap for robots: people never see it (coop.enquiries.service.receive).
    website = StringField(_l("Leave this empty"), validators=[Optional(), Length(max=200)])
    submit = SubmitField(_l("Send"))


class CallForm(EnquiryForm):
    name = StringField(_l("What they would like to be called"), validators=[Length(max=80)])
    work_interests = TextAreaField(_l("Work that interests them"), validators=[Optional(), Length(max=2000)])
    would_help = TextAreaField(_l("What would help them"), validators=[Optional(), Length(max=2000)])
    heard_from = RadioField(
        _l("How they heard about us"), choices=[(k, _l(v)) for k, v in SOURCES.items()], validate_choice=False
    )
    consent = BooleanField(_l("They agreed that we may contact them"))
    said = TextAreaField(_l("What was said and agreed"), validators=[Length(max=2000)])
    submit = SubmitField(_l("Save the call"))


class NoteForm(FlaskForm):
    body = TextAreaField(_l("What happened"), validators=[Length(max=2000)])
    contacted = BooleanField(_l("We got through to them"), default=True)
    submit = SubmitField(_l("Add the note"))


class AssignForm(FlaskForm):
    user_id = SelectField(_l("Give it to"), coerce=int, validate_choice=False)
    submit = SubmitField(_l("Give it to them"))


class InviteForm(FlaskForm):
    display_name = StringField(_l("Their name as members will see it"), validators=[Length(max=80)])
    email = StringField(_l("Email address for the invitation"), validators=[Length(max=254)])
    skills = CheckboxListField(_l("Skills they have (optional)"), coerce=int)
    submit = SubmitField(_l("Invite them to join"))


class PointForm(FlaskForm):
    entry_id = SelectField(_l("The opportunity"), coerce=int, validate_choice=False)
    note = TextAreaField(_l("Anything to add (optional)"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Pointed them to it"))


class CloseForm(FlaskForm):
    note = TextAreaField(_l("Anything to add (optional)"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Close it: they do not want to go on"))
