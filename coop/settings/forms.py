from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from coop.i18n import lazy_gettext as _l
from coop.web import DayField


class SettingForm(FlaskForm):
    value = StringField(_l("New value"), validators=[DataRequired(), Length(max=500)])
    effective_from = DayField(_l("Applies from"), validators=[Optional()])
    note = StringField(_l("Note (where the figure comes from)"), validators=[Optional(), Length(max=500)])
    submit = SubmitField(_l("Save"))
