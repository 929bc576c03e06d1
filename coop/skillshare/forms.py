from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from coop.i18n import lazy_gettext as _l
from coop.web import DayField


class SessionForm(FlaskForm):
    skill_id = SelectField(_l("Skill you will teach"), coerce=int)
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        _l("What people will learn (optional)"), validators=[Optional(), Length(max=2000)]
    )
    place = StringField(_l("Where"), validators=[DataRequired(), Length(max=200)])
    day = DayField(_l("Date"), validators=[InputRequired(_l("Enter the date"))])
    start_time = TimeField(_l("Start"), validators=[InputRequired(_l("Enter the start time"))])
    end_time = TimeField(_l("End"), validators=[InputRequired(_l("Enter the end time"))])
    capacity = IntegerField(
        _l("Places"), default=6, validators=[InputRequired(), NumberRange(1, 200, _l("Between 1 and 200"))]
    )
    submit = SubmitField(_l("Offer this session"))


class AttendanceForm(FlaskForm):
    add_skill = BooleanField(_l("Add the skill to the profile of everyone who came"), default=True)
    submit = SubmitField(_l("Save who came"))


class PayTeachingForm(FlaskForm):
    service_id = SelectField(_l("Pay it as"), coerce=int)
    client_id = SelectField(_l("Booked for"), coerce=int)
    submit = SubmitField(_l("Pay the teaching time"))
