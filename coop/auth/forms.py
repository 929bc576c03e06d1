from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, InputRequired, Length

from coop.i18n import ReadingStyle
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


class ReadingForm(FlaskForm):
    """A person's language and reading style (the language choices are set by the view: the
    pseudo-languages only where the site offers them)."""

    language = SelectField(
        _l("Language"),
        description=_l("Pages, emails and documents for you are written in this language."),
        # No `required`: a list whose first choice is a language cannot be left empty, and the
        # choice itself is checked (validate_choice) and again by the service.
    )
    style = RadioField(
        _l("Reading style"),
        choices=[
            (ReadingStyle.STANDARD.value, _l("Standard")),
            (ReadingStyle.EASY.value, _l("Easy read")),
        ],
        description=_l(
            "Easy read uses short sentences, common words, a picture beside each key fact and larger text."
        ),
        validators=[InputRequired(message=_l("Choose Standard or Easy read."))],
    )
    submit = SubmitField(_l("Save my choice"))
