from flask_wtf import FlaskForm
from wtforms import RadioField, SubmitField, TimeField
from wtforms.validators import InputRequired, Optional

from coop.i18n import lazy_gettext as _l
from coop.notify.choices import LABELS
from coop.notify.models import NotifyChannel, NotifyKind

CHOICES = [
    (NotifyChannel.EMAIL, _l("Email")),
    (NotifyChannel.PUSH, _l("On this phone or computer (push)")),
    (NotifyChannel.BOTH, _l("Both")),
    (NotifyChannel.NONE, _l("Neither")),
]


def _choice(kind: NotifyKind) -> RadioField:
    return RadioField(LABELS[kind], choices=CHOICES, validators=[InputRequired(_l("Choose one"))])


class ChoicesForm(FlaskForm):
    """One choice per kind (the view removes those the person does not get), and quiet hours."""

    offers = _choice(NotifyKind.OFFERS)
    cover = _choice(NotifyKind.COVER)
    swaps = _choice(NotifyKind.SWAPS)
    answers = _choice(NotifyKind.ANSWERS)
    reminders = _choice(NotifyKind.REMINDERS)
    requests = _choice(NotifyKind.REQUESTS)
    cover_alerts = _choice(NotifyKind.COVER_ALERTS)
    quiet_from = TimeField(_l("Quiet from"), validators=[Optional()])
    quiet_until = TimeField(_l("Quiet until"), validators=[Optional()])
    submit = SubmitField(_l("Save my choices"))
