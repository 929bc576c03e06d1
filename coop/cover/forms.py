from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, SubmitField
from wtforms.validators import DataRequired, InputRequired

from coop.i18n import lazy_gettext as _l
from coop.i18n import weekday_choices
from coop.members.forms import CheckboxListField

NOTICE_CHOICES = [
    ("0", _l("Any notice, even an hour before")),
    ("2", _l("At least 2 hours")),
    ("4", _l("At least 4 hours")),
    ("12", _l("At least 12 hours")),
    ("24", _l("At least a day")),
]


class LateForm(FlaskForm):
    minutes = RadioField(
        _l("About how late will you be?"),
        choices=[("15", _l("About 15 minutes")), ("30", _l("About 30 minutes")), ("60", _l("About an hour"))],
        validators=[DataRequired(_l("Choose about how late you will be."))],
    )
    submit = SubmitField(_l("Tell them"))


class CoverChoicesForm(FlaskForm):
    requests_on = BooleanField(_l("Ask me to cover when someone can't come"))
    weekdays = CheckboxListField(_l("Days you may be asked"), choices=weekday_choices(as_text=True))
    min_notice_hours = SelectField(_l("The shortest notice you would like"), choices=NOTICE_CHOICES)
    submit = SubmitField(_l("Save"))


class AskForm(FlaskForm):
    member_id = SelectField(_l("Ask a member by name"), validators=[InputRequired(_l("Choose a member."))])
    submit = SubmitField(_l("Ask them"))


class ClientChoiceForm(FlaskForm):
    choice = RadioField(
        _l("What would you like?"), validators=[DataRequired(_l("Choose one of the options."))]
    )
    submit = SubmitField(_l("Send my choice"))
