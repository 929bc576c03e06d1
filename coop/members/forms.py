from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from coop.i18n import lazy_gettext as _l


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProfileForm(FlaskForm):
    display_name = StringField(_l("Name you like to be called"), validators=[DataRequired(), Length(max=80)])
    pronouns = StringField(_l("Pronouns (optional)"), validators=[Optional(), Length(max=40)])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=40)])
    status = RadioField(
        _l("Are you taking on work at the moment?"),
        choices=[
            ("active", _l("Yes, show me open shifts and offers")),
            ("paused", _l("No, I'm taking a break (no offers; you can come back any time)")),
        ],
        validators=[DataRequired()],
    )
    submit = SubmitField(_l("Save"))


class CoordinatorMemberForm(ProfileForm):
    status = RadioField(
        _l("Status"),
        choices=[("active", _l("Active")), ("paused", _l("Paused")), ("left", _l("Has left the co-op"))],
        validators=[DataRequired()],
    )
    skills = CheckboxListField(_l("Skills"), coerce=int)


class InviteMemberForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(),
            Email(_l("Enter an email address, like name@example.com")),
            Length(max=254),
        ],
    )
    display_name = StringField(_l("Name they like to be called"), validators=[DataRequired(), Length(max=80)])
    skills = CheckboxListField(_l("Skills"), coerce=int)
    submit = SubmitField(_l("Send invitation"))


class SkillForm(FlaskForm):
    name = StringField(_l("Skill name"), validators=[DataRequired(), Length(max=80)])
    description = TextAreaField(_l("What it means (optional)"), validators=[Optional(), Length(max=2000)])
    submit = SubmitField(_l("Save skill"))


class RolesForm(FlaskForm):
    roles = CheckboxListField(
        _l("Roles"),
        choices=[
            ("member", _l("Member")),
            ("coordinator", _l("Coordinator")),
            ("client", _l("Client contact")),
            ("admin", _l("Admin")),
        ],
    )
    submit = SubmitField(_l("Save roles"))


class ResendForm(FlaskForm):
    submit = SubmitField(_l("Send the invitation again"))
