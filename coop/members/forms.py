from flask_wtf import FlaskForm
from wtforms import EmailField, RadioField, SelectMultipleField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget


class CheckboxListField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ProfileForm(FlaskForm):
    display_name = StringField("Name you like to be called", validators=[DataRequired(), Length(max=80)])
    pronouns = StringField("Pronouns (optional)", validators=[Optional(), Length(max=40)])
    phone = StringField("Phone (optional)", validators=[Optional(), Length(max=40)])
    status = RadioField(
        "Are you taking on work at the moment?",
        choices=[
            ("active", "Yes, show me open shifts and offers"),
            ("paused", "No, I'm taking a break (no offers; you can come back any time)"),
        ],
        validators=[DataRequired()],
    )
    submit = SubmitField("Save")


class CoordinatorMemberForm(ProfileForm):
    status = RadioField(
        "Status",
        choices=[("active", "Active"), ("paused", "Paused"), ("left", "Has left the co-op")],
        validators=[DataRequired()],
    )
    skills = CheckboxListField("Skills", coerce=int)


class InviteMemberForm(FlaskForm):
    email = EmailField(
        "Email address",
        validators=[DataRequired(), Email("Enter an email address, like name@example.com"), Length(max=254)],
    )
    display_name = StringField("Name they like to be called", validators=[DataRequired(), Length(max=80)])
    skills = CheckboxListField("Skills", coerce=int)
    submit = SubmitField("Send invitation")


class SkillForm(FlaskForm):
    name = StringField("Skill name", validators=[DataRequired(), Length(max=80)])
    description = TextAreaField("What it means (optional)", validators=[Optional(), Length(max=2000)])
    submit = SubmitField("Save skill")


class RolesForm(FlaskForm):
    roles = CheckboxListField(
        "Roles",
        choices=[
            ("member", "Member"),
            ("coordinator", "Coordinator"),
            ("client", "Client contact"),
            ("admin", "Admin"),
        ],
    )
    submit = SubmitField("Save roles")


class ResendForm(FlaskForm):
    submit = SubmitField("Send the invitation again")
