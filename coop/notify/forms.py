from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TimeField
from wtforms.validators import InputRequired, Optional

from coop.notify.choices import LABELS
from coop.notify.models import NotifyChannel, NotifyKind

CHOICES = [
    (NotifyChannel.EMAIL, "Email"),
    (NotifyChannel.PUSH, "On this phone or computer (push)"),
    (NotifyChannel.BOTH, "Both"),
    (NotifyChannel.NONE, "Neither"),
]


def _choice(kind: NotifyKind) -> RadioField:
    return RadioField(LABELS[kind], choices=CHOICES, validators=[InputRequired("Choose one")])


class ChoicesForm(FlaskForm):
    """One choice per kind (the view removes those the person does not get), and quiet hours."""

    offers = _choice(NotifyKind.OFFERS)
    cover = _choice(NotifyKind.COVER)
    swaps = _choice(NotifyKind.SWAPS)
    answers = _choice(NotifyKind.ANSWERS)
    reminders = _choice(NotifyKind.REMINDERS)
    requests = _choice(NotifyKind.REQUESTS)
    cover_alerts = _choice(NotifyKind.COVER_ALERTS)
    quiet_from = TimeField("Quiet from", validators=[Optional()])
    quiet_until = TimeField("Quiet until", validators=[Optional()])
    submit = SubmitField("Save my choices")
