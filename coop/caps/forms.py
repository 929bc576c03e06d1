from flask_wtf import FlaskForm
from wtforms import IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import NumberRange, Optional


class CapForm(FlaskForm):
    earnings_cap = StringField(
        "Most I can earn in a period (£)",
        description="Leave empty for no earnings limit.",
        validators=[Optional()],
    )
    hours_cap = StringField(
        "Most hours I can work in a period",
        description="Like 15.5. Leave empty for no hours limit.",
        validators=[Optional()],
    )
    period = RadioField(
        "Period",
        default="weekly",
        choices=[
            ("weekly", "Each week, from the day my benefit week starts"),
            ("monthly", "Each month, from a day I choose (like Universal Credit)"),
        ],
    )
    week_start_day = SelectField(
        "My benefit week starts on",
        coerce=int,
        default=0,
        choices=[
            (0, "Monday"),
            (1, "Tuesday"),
            (2, "Wednesday"),
            (3, "Thursday"),
            (4, "Friday"),
            (5, "Saturday"),
            (6, "Sunday"),
        ],
        description="For weekly limits: the first day of the week your benefits office counts "
        "(it is on your award letter).",
    )
    period_start_day = IntegerField(
        "Monthly period starts on day",
        default=1,
        description="For Universal Credit, the day of the month you claimed (1 to 31). In shorter months "
        "a period from the 29th, 30th or 31st starts on the month's last day.",
        validators=[Optional(), NumberRange(1, 31, "Choose a day from 1 to 31")],
    )
    count_by = RadioField(
        "For monthly periods, count earnings",
        default="worked",
        choices=[("worked", "When I do the work"), ("paid", "When I am paid (as Universal Credit does)")],
    )
    mode = RadioField(
        "If a shift would go over",
        default="block",
        choices=[("block", "Stop me taking it"), ("warn", "Warn me and let me decide")],
    )
    submit = SubmitField("Save my limit")


class PresetForm(FlaskForm):
    preset = SelectField(
        "Start from a common limit",
        choices=[
            ("esa", "ESA Permitted Work (earnings and under 16 hours a week)"),
            ("carers", "Carer's Allowance (weekly earnings; a hard limit)"),
            ("uc", "Universal Credit work allowance (with housing costs), monthly"),
            ("uc_no_housing", "Universal Credit work allowance (no housing costs), monthly"),
        ],
    )
    week_start_day = SelectField(
        "Benefit week starts on (ESA and Carer's Allowance)",
        coerce=int,
        default=0,
        choices=[
            (0, "Monday"),
            (1, "Tuesday"),
            (2, "Wednesday"),
            (3, "Thursday"),
            (4, "Friday"),
            (5, "Saturday"),
            (6, "Sunday"),
        ],
        description="For weekly limits: the first day of the week your benefits office counts "
        "(it is on your award letter).",
    )
    period_start_day = IntegerField(
        "Monthly period starts on day (Universal Credit only)",
        default=1,
        validators=[Optional(), NumberRange(1, 31, "Choose a day from 1 to 31")],
    )
    submit = SubmitField("Use this limit")


class RemoveForm(FlaskForm):
    submit = SubmitField("Remove my limit")
