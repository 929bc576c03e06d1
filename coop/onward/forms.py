from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional

from coop.i18n import lazy_gettext as _l
from coop.members.forms import CheckboxListField
from coop.members.models import LEAVING_REASONS
from coop.onward.models import INTEREST_STATUSES


class RecordForm(FlaskForm):
    sections = CheckboxListField(_l("What to include"), coerce=str)
    name_as = RadioField(
        _l("How the co-op is named"), validators=[InputRequired(_l("Choose how the co-op is named"))]
    )
    submit = SubmitField(_l("Make my record"))


class ReferenceForm(FlaskForm):
    # No length validator: the service says how long it is, and saves nothing.
    text = TextAreaField(
        _l("Reference"),
        description=_l(
            "A few sentences an employer would find useful: reliability, how they work with "
            "others, what they are good at. The member reads it and decides whether to use it. "
            "Never mention health or benefits."
        ),
        validators=[InputRequired(_l("Write the reference"))],
    )
    submit = SubmitField(_l("Send it to the member"))


class InterestForm(FlaskForm):
    status = SelectField(
        _l("Where you are with it"), choices=[(key, _l(label)) for key, label in INTEREST_STATUSES.items()]
    )
    note = TextAreaField(_l("Your notes (only you and the coordinators see them)"), validators=[Optional()])
    submit = SubmitField(_l("Save"))


class HelpForm(FlaskForm):
    body = TextAreaField(_l("Your message"), validators=[InputRequired(_l("Write your message first"))])
    submit = SubmitField(_l("Send"))


class LeavingForm(FlaskForm):
    reason = SelectField(
        _l("Why you are leaving (you do not have to say)"),
        choices=[
            ("", _l("I would rather not say")),
            *((key, _l(label)) for key, label in LEAVING_REASONS.items()),
        ],
        validators=[Optional()],
    )
    submit = SubmitField(_l("Save"))
