from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, SubmitField, TextAreaField
from wtforms.validators import InputRequired, Optional

from coop.members.forms import CheckboxListField
from coop.members.models import LEAVING_REASONS
from coop.onward.models import INTEREST_STATUSES


class RecordForm(FlaskForm):
    sections = CheckboxListField("What to include", coerce=str)
    name_as = RadioField(
        "How the co-op is named", validators=[InputRequired("Choose how the co-op is named")]
    )
    submit = SubmitField("Make my record")


class ReferenceForm(FlaskForm):
    # No length validator: the service says how long it is, and saves nothing.
    text = TextAreaField(
        "Reference",
        description="A few sentences an employer would find useful: reliability, how they work with "
        "others, what they are good at. The member reads it and decides whether to use it. "
        "Never mention health or benefits.",
        validators=[InputRequired("Write the reference")],
    )
    submit = SubmitField("Send it to the member")


class InterestForm(FlaskForm):
    status = SelectField("Where you are with it", choices=list(INTEREST_STATUSES.items()))
    note = TextAreaField("Your notes (only you and the coordinators see them)", validators=[Optional()])
    submit = SubmitField("Save")


class HelpForm(FlaskForm):
    body = TextAreaField("Your message", validators=[InputRequired("Write your message first")])
    submit = SubmitField("Send")


class LeavingForm(FlaskForm):
    reason = SelectField(
        "Why you are leaving (you do not have to say)",
        choices=[("", "I would rather not say"), *LEAVING_REASONS.items()],
        validators=[Optional()],
    )
    submit = SubmitField("Save")
