from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from coop.web import DayField


class ProposalForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    text = TextAreaField("What you propose and why", validators=[DataRequired(), Length(max=10000)])
    kind = RadioField(
        "Kind",
        default="general",
        choices=[
            ("general", "A decision for the co-op"),
            ("appoint_coordinator", "Elect a member as a coordinator"),
            ("distribute_surplus", "Share out part of a year's surplus, in proportion to hours worked"),
        ],
    )
    subject_member_id = SelectField("Member to elect (if electing a coordinator)", coerce=int)
    surplus = StringField("Amount to share (£, if sharing surplus)", validators=[Optional(), Length(max=12)])
    surplus_year = IntegerField(
        "From the work in year (if sharing surplus)",
        validators=[Optional(), NumberRange(2000, 2100, "Enter a year, like 2026")],
    )
    closes_on = DayField("Voting closes on", validators=[InputRequired("Choose the closing date")])
    submit = SubmitField("Raise the proposal")


class VoteForm(FlaskForm):
    choice = RadioField(
        "Your vote",
        choices=[("for", "For"), ("against", "Against"), ("abstain", "Abstain")],
        validators=[InputRequired("Choose for, against or abstain")],
    )
    submit = SubmitField("Vote")


class ShareForm(FlaskForm):
    submit = SubmitField("Go")


class TakeShareForm(FlaskForm):
    amount = StringField(
        "How much (£)",
        description="Leave empty to take all that is left. What you do not take is kept for later.",
        validators=[Optional(), Length(max=12)],
    )
    parts = IntegerField(
        "Spread over how many pay days",
        default=1,
        validators=[InputRequired("Enter a number of pay days"), NumberRange(1, 6, "From 1 to 6 pay days")],
    )
    confirm = HiddenField()
    submit = SubmitField("Put it in my pay")


class CommentForm(FlaskForm):
    # No length validator here: the service says how long it is and keeps nothing when it is too long.
    body = TextAreaField(
        "Your comment",
        description="Plain text. You can change it for 15 minutes after posting.",
        validators=[InputRequired("Write your comment first")],
    )
    submit = SubmitField("Post comment")


class HideCommentForm(FlaskForm):
    reason = StringField(
        "Reason, shown in its place",
        validators=[InputRequired("Say why it is hidden")],
    )
    submit = SubmitField("Hide comment")


class DecisionForm(FlaskForm):
    text = TextAreaField(
        "What was decided, in words",
        description="For the decisions log: what the co-op will now do, or not do, and when.",
        validators=[InputRequired("Write what was decided")],
    )
    submit = SubmitField("Save the outcome")


class ProposalEmailsForm(FlaskForm):
    wanted = RadioField(
        "Email me about new proposals and their results",
        choices=[("yes", "Yes"), ("no", "No")],
        validators=[InputRequired("Choose yes or no")],
    )
    submit = SubmitField("Save")
