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

from coop.web import DayField


class SessionForm(FlaskForm):
    skill_id = SelectField("Skill you will teach", coerce=int)
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField(
        "What people will learn (optional)", validators=[Optional(), Length(max=2000)]
    )
    place = StringField("Where", validators=[DataRequired(), Length(max=200)])
    day = DayField("Date", validators=[InputRequired("Enter the date")])
    start_time = TimeField("Start", validators=[InputRequired("Enter the start time")])
    end_time = TimeField("End", validators=[InputRequired("Enter the end time")])
    capacity = IntegerField(
        "Places", default=6, validators=[InputRequired(), NumberRange(1, 200, "Between 1 and 200")]
    )
    submit = SubmitField("Offer this session")


class AttendanceForm(FlaskForm):
    add_skill = BooleanField("Add the skill to the profile of everyone who came", default=True)
    submit = SubmitField("Save who came")


class PayTeachingForm(FlaskForm):
    service_id = SelectField("Pay it as", coerce=int)
    client_id = SelectField("Booked for", coerce=int)
    submit = SubmitField("Pay the teaching time")
