from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from coop.i18n import lazy_gettext as _l


class LoginForm(FlaskForm):
    email = EmailField("Email address", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=200)])
    next = HiddenField()
    submit = SubmitField("Sign in")


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
    submit = SubmitField("Save password")


class ChangePasswordForm(SetPasswordForm):
    current_password = PasswordField("Current password", validators=[DataRequired(), Length(max=200)])
    submit = SubmitField("Change password")


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(), Email("Enter an email address, like name@example.com"), Length(max=254)],
    )
    submit = SubmitField("Send me a link")


class LogoutForm(FlaskForm):
    submit = SubmitField("Sign out")
