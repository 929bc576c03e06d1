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

from coop.i18n import lazy_gettext as _l
from coop.web import DayField


class ProposalForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    text = TextAreaField(_l("What you propose and why"), validators=[DataRequired(), Length(max=10000)])
    kind = RadioField(
        _l("Kind"),
        default="general",
        choices=[
            ("general", _l("A decision for the co-op")),
            ("appoint_coordinator", _l("Elect a member as a coordinator")),
            ("distribute_surplus", _l("Share out part of a year's surplus, in proportion to hours worked")),
        ],
    )
    subject_member_id = SelectField(_l("Member to elect (if electing a coordinator)"), coerce=int)
    surplus = StringField(
        _l("Amount to share (£, if sharing surplus)"), validators=[Optional(), Length(max=12)]
    )
    surplus_year = IntegerField(
        _l("From the work in year (if sharing surplus)"),
        validators=[Optional(), NumberRange(2000, 2100, _l("Enter a year, like 2026"))],
    )
    closes_on = DayField(_l("Voting closes on"), validators=[InputRequired(_l("Choose the closing date"))])
    submit = SubmitField(_l("Raise the proposal"))


class VoteForm(FlaskForm):
    choice = RadioField(
        _l("Your vote"),
        choices=[("for", _l("For")), ("against", _l("Against")), ("abstain", _l("Abstain"))],
        validators=[InputRequired(_l("Choose for, against or abstain"))],
    )
    submit = SubmitField(_l("Vote"))


class ShareForm(FlaskForm):
    submit = SubmitField(_l("Go"))


class TakeShareForm(FlaskForm):
    amount = StringField(
        _l("How much (£)"),
        description=_l("Leave empty to take all that is left. What you do not take is kept for later."),
        validators=[Optional(), Length(max=12)],
    )
    parts = IntegerField(
        _l("Spread over how many pay days"),
        default=1,
        validators=[
            InputRequired(_l("Enter a number of pay days")),
            NumberRange(1, 6, _l("From 1 to 6 pay days")),
        ],
    )
    confirm = HiddenField()
    submit = SubmitField(_l("Put it in my pay"))


class CommentForm(FlaskForm):
    # No length validator here: the service says how long it is and keeps nothing when it is too long.
    body = TextAreaField(
        _l("Your comment"),
        description=_l("Plain text. You can change it for 15 minutes after posting."),
        validators=[InputRequired(_l("Write your comment first"))],
    )
    submit = SubmitField(_l("Post comment"))


class HideCommentForm(FlaskForm):
    reason = StringField(
        _l("Reason, shown in its place"),
        validators=[InputRequired(_l("Say why it is hidden"))],
    )
    submit = SubmitField(_l("Hide comment"))


class DecisionForm(FlaskForm):
    text = TextAreaField(
        _l("What was decided, in words"),
        description=_l("For the decisions log: what the co-op will now do, or not do, and when."),
        validators=[InputRequired(_l("Write what was decided"))],
    )
    submit = SubmitField(_l("Save the outcome"))


class ProposalEmailsForm(FlaskForm):
    wanted = RadioField(
        _l("Email me about new proposals and their results"),
        choices=[("yes", _l("Yes")), ("no", _l("No"))],
        validators=[InputRequired(_l("Choose yes or no"))],
    )
    submit = SubmitField(_l("Save"))
