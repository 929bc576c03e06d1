"""Every setting the co-op has: its name, label, kind (pence, whole number, percent, yes/no,
text), default, help and allowed range. Reading and changing them is `settings.service`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from coop.i18n import LANGUAGES, N_
from coop.i18n import gettext as _
from coop.money import format_pence, format_percent
from coop.settings.chart import CHART_OF_ACCOUNTS


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    kind: str  # pence | int | percent | bool | text
    default: Any
    help: str = ""
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] | None = None
    account: str = ""  # an account of the chart of accounts: the label is "Accounts: <account>"

    @property
    def title(self) -> str:
        """The label in the reader's words."""
        if self.account:
            return _("Accounts: %(account)s", account=_(self.account))
        return _(self.label)

    @property
    def help_text(self) -> str:
        """The help in the reader's words."""
        return _(self.help) if self.help else ""

    def shown(self, value: Any) -> str:
        """A value as people read it: pounds, yes or no, a percentage, a language's name."""
        if self.kind == "pence":
            return format_pence(value)
        if self.kind == "bool":
            return _("Yes") if value else _("No")
        if self.kind == "percent":
            return format_percent(value)
        if self.choices and set(self.choices) <= set(LANGUAGES) and value in LANGUAGES:
            return LANGUAGES[value].name
        return str(value)


# The search for cover (coop.cover).
COVER_SPECS = [
    SettingSpec(
        "cover_wave_size",
        N_("Cover: members asked at once, far from the start"),
        "int",
        6,
        N_(
            "When a place is let go late, it is offered to this many members at a time (the fairest "
            "first); fewer as the start nears."
        ),
        minimum=1,
        maximum=100,
    ),
    SettingSpec(
        "cover_wave_size_least",
        N_("Cover: members asked at once, just before the start"),
        "int",
        2,
        minimum=1,
        maximum=100,
    ),
    SettingSpec(
        "cover_answer_minutes",
        N_("Cover: minutes to answer before more members are asked, far from the start"),
        "int",
        120,
        minimum=5,
        maximum=24 * 60,
    ),
    SettingSpec(
        "cover_answer_minutes_least",
        N_("Cover: minutes to answer before more members are asked, just before the start"),
        "int",
        15,
        minimum=5,
        maximum=24 * 60,
    ),
    SettingSpec(
        "cover_client_notice_hours",
        N_("Cover: tell the client when a visit is still short this many hours before it starts"),
        "int",
        4,
        N_(
            "The client's contact is told once, with their choices: go ahead with fewer people at a "
            "lower charge, move the visit, or cancel it without a fee."
        ),
        minimum=1,
        maximum=72,
    ),
]


SPECS: dict[str, SettingSpec] = {
    s.key: s
    for s in [
        SettingSpec("coop_name", N_("Co-op name"), "text", "Co-op Works"),
        SettingSpec(
            "coop_trading_name",
            N_("A neutral name members can use for the co-op on their work records"),
            "text",
            "Co-op Works",
        ),
        SettingSpec("coop_address", N_("Co-op address"), "text", "1 High Street, Anytown AN1 1AA"),
        SettingSpec(
            "coop_phone",
            N_("Co-op phone number"),
            "text",
            "01234 567890",
            N_("Members see it with their shifts, also on their phone without signal."),
        ),
        SettingSpec(
            "coop_language",
            "Language of the co-op",
            "text",
            "en",
            "What people read when they have not chosen (en: English, pl: Polish): emails to an "
            "address with no account, and clients' invoices and statements unless the client has "
            "its own language.",
            choices=("en", "pl"),
        ),
        SettingSpec(
            "pay_floor_pence",
            N_("Pay floor per hour"),
            "pence",
            1345,
            N_("No service may pay members less than this an hour (default: the Real Living Wage)."),
            minimum=1,
            maximum=100_00,
        ),
        SettingSpec(
            "statutory_minimum_pence",
            N_("Statutory National Living Wage per hour"),
            "pence",
            1271,
            N_("The legal minimum; the pay floor can never be set below it."),
            minimum=1,
            maximum=100_00,
        ),
        SettingSpec(
            "cancellation_notice_hours",
            N_("Cancellation notice (hours)"),
            "int",
            24,
            N_("A client who cancels with less notice than this pays the cancellation fee."),
            minimum=0,
            maximum=24 * 14,
        ),
        SettingSpec(
            "cancellation_grace_minutes",
            N_("Free cancellation after booking (minutes)"),
            "int",
            30,
            N_(
                "A client who cancels within this long of making the booking pays nothing, "
                "whatever the notice."
            ),
            minimum=0,
            maximum=24 * 60,
        ),
        SettingSpec(
            "cancellation_fee_percent",
            N_("Cancellation fee (% of the shift's charge)"),
            "percent",
            100,
            minimum=0,
            maximum=100,
        ),
        SettingSpec(
            "drop_notice_hours",
            N_("Free drop notice (hours)"),
            "int",
            48,
            N_(
                "Members can let a shift go at any time. Closer than this to its start, the search "
                "for cover starts by itself and coordinators are told. It is never held against anyone."
            ),
            minimum=0,
            maximum=24 * 14,
        ),
        SettingSpec(
            "travel_buffer_minutes",
            N_("Travel time between shifts (minutes)"),
            "int",
            30,
            N_("A member's shifts must be at least this far apart."),
            minimum=0,
            maximum=240,
        ),
        SettingSpec(
            "min_rest_hours",
            N_("Rest between working days (hours)"),
            "int",
            11,
            N_("Between shifts on different days a member gets at least this much rest."),
            minimum=0,
            maximum=24,
        ),
        SettingSpec(
            "holiday_pay_percent_bp",
            N_("Holiday pay rate (basis points of pay)"),
            "int",
            1207,
            N_(
                "Holiday for irregular-hours workers accrues at 12.07% (1207). It is paid with wages "
                "on its own line, so it counts as earnings."
            ),
            minimum=0,
            maximum=5000,
        ),
        SettingSpec(
            "pay_frequency",
            N_("Pay frequency (weekly or monthly)"),
            "text",
            "monthly",
            N_(
                "Weekly pay covers Monday to Sunday and is paid the Friday after. Monthly pay covers a "
                "calendar month and is paid on the pay day of the next month."
            ),
            choices=("weekly", "monthly"),
        ),
        SettingSpec(
            "pay_day_of_month",
            N_("Pay day of the month (monthly pay)"),
            "int",
            7,
            N_("If it falls on a weekend or bank holiday, pay goes out the working day before."),
            minimum=1,
            maximum=28,
        ),
        SettingSpec(
            "esa_weekly_earnings_limit_pence",
            N_("ESA Permitted Work weekly earnings limit"),
            "pence",
            19550,
            minimum=0,
            maximum=100_000,
        ),
        SettingSpec(
            "esa_weekly_hours_limit",
            N_("ESA Permitted Work hours a week (must stay under)"),
            "int",
            16,
            minimum=1,
            maximum=60,
        ),
        SettingSpec(
            "carers_weekly_earnings_limit_pence",
            N_("Carer's Allowance weekly earnings limit"),
            "pence",
            19600,
            minimum=0,
            maximum=100_000,
        ),
        SettingSpec(
            "uc_work_allowance_pence",
            N_("Universal Credit work allowance a month (with housing costs)"),
            "pence",
            41100,
            minimum=0,
            maximum=1_000_000,
        ),
        SettingSpec(
            "uc_work_allowance_no_housing_pence",
            N_("Universal Credit work allowance a month (no housing costs)"),
            "pence",
            68400,
            minimum=0,
            maximum=1_000_000,
        ),
        SettingSpec(
            "backup_generations",
            N_("Backups to keep"),
            "int",
            14,
            N_("`coop backup` with no folder keeps this many of the newest backups in BACKUP_DIR."),
            minimum=1,
            maximum=365,
        ),
        SettingSpec(
            "uc_taper_bp",
            N_("Universal Credit taper (basis points)"),
            "int",
            5500,
            N_(
                "For each £1 earned over the work allowance, Universal Credit goes down by this much "
                "(5500 is 55p). Used only for the estimate members see of what they keep."
            ),
            minimum=0,
            maximum=10000,
        ),
        SettingSpec(
            "offer_expiry_hours", N_("Offers lapse after (hours)"), "int", 48, minimum=1, maximum=24 * 14
        ),
        SettingSpec(
            "fair_release_hours",
            N_("Fair release: hold new shifts for (hours; 0 = off)"),
            "int",
            0,
            N_(
                "New shifts are first open only to the eligible members furthest below their preferred "
                "hours, then to everyone."
            ),
            minimum=0,
            maximum=72,
        ),
        SettingSpec(
            "fair_release_group",
            N_("Fair release: members who see a held shift first"),
            "int",
            10,
            minimum=1,
            maximum=500,
        ),
        SettingSpec("vat_registered", N_("The co-op is registered for VAT"), "bool", True),
        SettingSpec("vat_number", N_("VAT registration number"), "text", "GB 123 4567 89"),
        SettingSpec(
            "coop_registration_number",
            N_("Registration number (registered society or company)"),
            "text",
            "RS007654",
            N_("Printed on invoices and carried in e-invoices, so clients' systems can identify the co-op."),
        ),
        SettingSpec("coop_email", N_("Co-op email for clients"), "text", "hello@coop.example"),
        SettingSpec(
            "coop_bank_details",
            N_("How clients pay (shown on invoices)"),
            "text",
            "Bank transfer to Co-op Works Ltd, sort code 00-00-00, account 12345678",
        ),
        SettingSpec("invoice_prefix", N_("Invoice number prefix"), "text", "CW-"),
        SettingSpec("credit_note_prefix", N_("Credit note number prefix"), "text", "CN-"),
        SettingSpec(
            "reminder_interval_days",
            N_("Days between reminders for overdue invoices"),
            "int",
            7,
            minimum=1,
            maximum=90,
        ),
        SettingSpec(
            "invoice_link_days",
            N_("Days a link in an invoice email keeps working"),
            "int",
            90,
            minimum=1,
            maximum=365,
        ),
        SettingSpec(
            "quorum_percent", N_("Quorum (% of members who must vote)"), "percent", 25, minimum=0, maximum=100
        ),
        SettingSpec(
            "majority_percent",
            N_("Majority needed (% of for and against votes)"),
            "percent",
            50,
            N_("A proposal passes when more than this share of for-and-against votes are for it."),
            minimum=1,
            maximum=99,
        ),
        SettingSpec(
            "enquiry_contact_days",
            N_("Working days to contact someone who asked about joining"),
            "int",
            3,
            N_(
                "An enquiry nobody has contacted within this many working days is raised on "
                "coordinators' home page and emailed to them, once."
            ),
            minimum=1,
            maximum=30,
        ),
        SettingSpec(
            "enquiry_keep_months",
            N_("Months to keep enquiries that did not lead to membership"),
            "int",
            6,
            N_("Then they are deleted. People can ask for theirs to be deleted sooner."),
            minimum=1,
            maximum=24,
        ),
        SettingSpec(
            "helpline_phone", N_("Helpline phone number (posters and leaflets)"), "text", "01234 567890"
        ),
        SettingSpec(
            "short_web_address",
            N_("Short web address for posters and leaflets"),
            "text",
            "coop.example/interested",
            N_("Where the form is, as people would type it. The QR code goes to the full address."),
        ),
        *(
            SettingSpec(
                key,
                f"Accounts: {label}",  # shown as `title`
                "text",
                default,
                N_(
                    "The account's code in your accounts, a space, then its name (the chart of accounts "
                    "the accountant's journal uses)."
                ),
                account=label,
            )
            for key, label, default in CHART_OF_ACCOUNTS.values()
        ),
        *COVER_SPECS,
    ]
}
