from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import NumberRange, Optional

from coop.i18n import lazy_gettext as _l
from coop.i18n import weekday_choices


class LimitForm(FlaskForm):
    earnings_limit = StringField(
        _l("Most I can earn in a period (£)"),
        description=_l("Leave empty for no earnings limit."),
        validators=[Optional()],
    )
    hours_limit = StringField(
        _l("Most hours I can work in a period"),
        description=_l("Like 15.5. Leave empty for no hours limit."),
        validators=[Optional()],
    )
    period = RadioField(
        _l("Period"),
        default="weekly",
        choices=[
            ("weekly", _l("Each week, from the day my benefit week starts")),
            ("monthly", _l("Each month, from a day I choose (like Universal Credit)")),
        ],
    )
    week_start_day = SelectField(
        _l("My benefit week starts on"),
        coerce=int,
        default=0,
        choices=weekday_choices(),
        description=_l(
            "For weekly limits: the first day of the week your benefits office counts "
            "(it is on your award letter)."
        ),
    )
    period_start_day = IntegerField(
        _l("Monthly period starts on day"),
        default=1,
        description=_l(
            "For Universal Credit, the day of the month you claimed (1 to 31). In shorter months "
            "a period from the 29th, 30th or 31st starts on the month's last day."
        ),
        validators=[Optional(), NumberRange(1, 31, _l("Choose a day from 1 to 31"))],
    )
    count_by = RadioField(
        _l("For monthly periods, count earnings"),
        default="worked",
        choices=[
            ("worked", _l("When I do the work")),
            ("paid", _l("When I am paid (as Universal Credit does)")),
        ],
    )
    mode = RadioField(
        _l("If a shift would go over"),
        default="block",
        choices=[("block", _l("Stop me taking it")), ("warn", _l("Warn me and let me decide"))],
    )
    submit = SubmitField(_l("Save my limit"))


class PresetForm(FlaskForm):
    preset = SelectField(
        _l("Start from a common limit"),
        choices=[
            ("esa", _l("ESA Permitted Work (earnings and under 16 hours a week)")),
            ("carers", _l("Carer's Allowance (weekly earnings; a hard limit)")),
            ("uc", _l("Universal Credit work allowance (with housing costs), monthly")),
            ("uc_no_housing", _l("Universal Credit work allowance (no housing costs), monthly")),
        ],
    )
    week_start_day = SelectField(
        _l("Benefit week starts on (ESA and Carer's Allowance)"),
        coerce=int,
        default=0,
        choices=weekday_choices(),
        description=_l(
            "For weekly limits: the first day of the week your benefits office counts "
            "(it is on your award letter)."
        ),
    )
    period_start_day = IntegerField(
        _l("Monthly period starts on day (Universal Credit only)"),
        default=1,
        validators=[Optional(), NumberRange(1, 31, _l("Choose a day from 1 to 31"))],
    )
    submit = SubmitField(_l("Use this limit"))


class RemoveForm(FlaskForm):
    submit = SubmitField(_l("Remove my limit"))
