from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, SubmitField
from wtforms.validators import DataRequired, InputRequired

from coop.members.forms import CheckboxListField
from coop.rota.availability import WEEKDAYS

NOTICE_CHOICES = [
    ("0", "Any notice, even an hour before"),
    ("2", "At least 2 hours"),
    ("4", "At least 4 hours"),
    ("12", "At least 12 hours"),
    ("24", "At least a day"),
]


class LateForm(FlaskForm):
    minutes = RadioField(
        "About how late will you be?",
        choices=[("15", "About 15 minutes"), ("30", "About 30 minutes"), ("60", "About an hour")],
        validators=[DataRequired("Choose about how late you will be.")],
    )
    submit = SubmitField("Tell them")


class CoverChoicesForm(FlaskForm):
    requests_on = BooleanField("Ask me to cover when someone can't come")
    weekdays = CheckboxListField(
        "Days you may be asked", choices=[(str(i), name) for i, name in enumerate(WEEKDAYS)]
    )
    min_notice_hours = SelectField("The shortest notice you would like", choices=NOTICE_CHOICES)
    submit = SubmitField("Save")


class AskForm(FlaskForm):
    member_id = SelectField("Ask a member by name", validators=[InputRequired("Choose a member.")])
    submit = SubmitField("Ask them")


class ClientChoiceForm(FlaskForm):
    choice = RadioField("What would you like?", validators=[DataRequired("Choose one of the options.")])
    submit = SubmitField("Send my choice")
