from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from coop.directory.models import CATEGORIES
from coop.i18n import lazy_gettext as _l
from coop.web import DayField


class EntryForm(FlaskForm):
    category = SelectField(_l("Category"), choices=[(key, _l(label)) for key, label in CATEGORIES.items()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(_l("What it offers"), validators=[Optional(), Length(max=2000)])
    contact = TextAreaField(_l("How to get in touch"), validators=[DataRequired(), Length(max=500)])
    hours = StringField(_l("Opening hours"), validators=[Optional(), Length(max=200)])
    accessibility = TextAreaField(
        _l("Access (step-free, quiet room, BSL...)"), validators=[Optional(), Length(max=1000)]
    )
    review_date = DayField(
        _l("Check it again by"), validators=[InputRequired(_l("Choose a date to check it again"))]
    )
    active = BooleanField(_l("Show it in the directory"), default=True)
    submit = SubmitField(_l("Save"))
