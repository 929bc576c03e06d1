from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from coop.i18n import lazy_gettext as _l


class LoginForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])
    next = HiddenField()
    submit = SubmitField(_l("Sign in"))


class SetPasswordForm(FlaskForm):
    password = PasswordField(
        _l("New password"),
        description=_l("At least 10 characters. A few unrelated words are easy to remember."),
        validators=[DataRequired(), Length(max=200)],
    )
    confirm = PasswordField(
        _l("Type the new password again"),
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords are different."))],
    )
    submit = SubmitField(_l("Save password"))


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=200)])
    submit = SubmitField(_l("Change password"))


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[
            DataRequired(),
            Email(_l("Enter an email address, like name@example.com")),
            Length(max=254),
        ],
    )
    submit = SubmitField(_l("Send me a link"))


class LogoutForm(FlaskForm):
    submit = SubmitField(_l("Sign out"))
