from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TimeField
from wtforms.validators import InputRequired, Optional

from coop.notify.choices import LABELS

CHOICES = [
    ("email", "Email"),
    ("push", "On this phone or computer (push)"),
    ("both", "Both"),
    ("none", "Neither"),
]


class ChoicesForm(FlaskForm):
    """One choice per kind (the view removes those the person does not get), and quiet hours."""

    offers = RadioField(LABELS["offers"], choices=CHOICES, validators=[InputRequired("Choose one")])
    cover = RadioField(LABELS["cover"], choices=CHOICES, validators=[InputRequired("Choose one")])
    swaps = RadioField(LABELS["swaps"], choices=CHOICES, validators=[InputRequired("Choose one")])
    answers = RadioField(LABELS["answers"], choices=CHOICES, validators=[InputRequired("Choose one")])
    reminders = RadioField(LABELS["reminders"], choices=CHOICES, validators=[InputRequired("Choose one")])
    requests = RadioField(LABELS["requests"], choices=CHOICES, validators=[InputRequired("Choose one")])
    cover_alerts = RadioField(
        LABELS["cover_alerts"], choices=CHOICES, validators=[InputRequired("Choose one")]
    )
    quiet_from = TimeField("Quiet from", validators=[Optional()])
    quiet_until = TimeField("Quiet until", validators=[Optional()])
    submit = SubmitField("Save my choices")
