from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from coop.directory.models import CATEGORIES
from coop.web import DayField


class EntryForm(FlaskForm):
    category = SelectField("Category", choices=list(CATEGORIES.items()))
    name = StringField("Name", validators=[DataRequired(), Length(max=200)])
    description = TextAreaField("What it offers", validators=[Optional(), Length(max=2000)])
    contact = TextAreaField("How to get in touch", validators=[DataRequired(), Length(max=500)])
    hours = StringField("Opening hours", validators=[Optional(), Length(max=200)])
    accessibility = TextAreaField(
        "Access (step-free, quiet room, BSL...)", validators=[Optional(), Length(max=1000)]
    )
    review_date = DayField("Check it again by", validators=[InputRequired("Choose a date to check it again")])
    active = BooleanField("Show it in the directory", default=True)
    submit = SubmitField("Save")
