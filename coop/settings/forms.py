from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from coop.web import DayField


class SettingForm(FlaskForm):
    value = StringField("New value", validators=[DataRequired(), Length(max=500)])
    effective_from = DayField("Applies from", validators=[Optional()])
    note = StringField("Note (where the figure comes from)", validators=[Optional(), Length(max=500)])
    submit = SubmitField("Save")
