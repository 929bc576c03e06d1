"""Every setting the co-op has: its name, label, kind (pence, whole number, percent, yes/no,
text), default, help and allowed range. Reading and changing them is `settings.service`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

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


# The search for cover (coop.cover).
COVER_SPECS = [
    SettingSpec(
        "cover_wave_size",
        "Cover: members asked at once, far from the start",
        "int",
        6,
        "When a place is let go late, it is offered to this many members at a time (the fairest "
        "first); fewer as the start nears.",
        minimum=1,
        maximum=100,
    ),
    SettingSpec(
        "cover_wave_size_least",
        "Cover: members asked at once, just before the start",
        "int",
        2,
        minimum=1,
        maximum=100,
    ),
    SettingSpec(
        "cover_answer_minutes",
        "Cover: minutes to answer before more members are asked, far from the start",
        "int",
        120,
        minimum=5,
        maximum=24 * 60,
    ),
    SettingSpec(
        "cover_answer_minutes_least",
        "Cover: minutes to answer before more members are asked, just before the start",
        "int",
        15,
        minimum=5,
        maximum=24 * 60,
    ),
    SettingSpec(
        "cover_client_notice_hours",
        "Cover: tell the client when a visit is still short this many hours before it starts",
        "int",
        4,
        "The client's contact is told once, with their choices: go ahead with fewer people at a "
        "lower charge, move the visit, or cancel it without a fee.",
        minimum=1,
        maximum=72,
    ),
]


SPECS: dict[str, SettingSpec] = {
    s.key: s
    for s in [
        SettingSpec("coop_name", "Co-op name", "text", "Co-op Works"),
        SettingSpec(
            "coop_trading_name",
            "A neutral name members can use for the co-op on their work records",
            "text",
            "Co-op Works",
        ),
        SettingSpec("coop_address", "Co-op address", "text", "1 High Street, Anytown AN1 1AA"),
        SettingSpec(
            "coop_phone",
            "Co-op phone number",
            "text",
            "01234 567890",
            "Members see it with their shifts, also on their phone without signal.",
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
            "Pay floor per hour",
            "pence",
            1345,
            "No service may pay members less than this an hour (default: the Real Living Wage).",
            minimum=1,
            maximum=100_00,
        ),
        SettingSpec(
            "statutory_minimum_pence",
            "Statutory National Living Wage per hour",
            "pence",
            1271,
            "The legal minimum; the pay floor can never be set below it.",
            minimum=1,
            maximum=100_00,
        ),
        SettingSpec(
            "cancellation_notice_hours",
            "Cancellation notice (hours)",
            "int",
            24,
            "A client who cancels with less notice than this pays the cancellation fee.",
            minimum=0,
            maximum=24 * 14,
        ),
        SettingSpec(
            "cancellation_grace_minutes",
            "Free cancellation after booking (minutes)",
            "int",
            30,
            "A client who cancels within this long of making the booking pays nothing, whatever the notice.",
            minimum=0,
            maximum=24 * 60,
        ),
        SettingSpec(
            "cancellation_fee_percent",
            "Cancellation fee (% of the shift's charge)",
            "percent",
            100,
            minimum=0,
            maximum=100,
        ),
        SettingSpec(
            "drop_notice_hours",
            "Free drop notice (hours)",
            "int",
            48,
            "Members can let a shift go at any time. Closer than this to its start, the search "
            "for cover starts by itself and coordinators are told. It is never held against anyone.",
            minimum=0,
            maximum=24 * 14,
        ),
        SettingSpec(
            "travel_buffer_minutes",
            "Travel time between shifts (minutes)",
            "int",
            30,
            "A member's shifts must be at least this far apart.",
            minimum=0,
            maximum=240,
        ),
        SettingSpec(
            "min_rest_hours",
            "Rest between working days (hours)",
            "int",
            11,
            "Between shifts on different days a member gets at least this much rest.",
            minimum=0,
            maximum=24,
        ),
        SettingSpec(
            "holiday_pay_percent_bp",
            "Holiday pay rate (basis points of pay)",
            "int",
            1207,
            "Holiday for irregular-hours workers accrues at 12.07% (1207). It is paid with wages "
            "on its own line, so it counts as earnings.",
            minimum=0,
            maximum=5000,
        ),
        SettingSpec(
            "pay_frequency",
            "Pay frequency (weekly or monthly)",
            "text",
            "monthly",
            "Weekly pay covers Monday to Sunday and is paid the Friday after. Monthly pay covers a "
            "calendar month and is paid on the pay day of the next month.",
            choices=("weekly", "monthly"),
        ),
        SettingSpec(
            "pay_day_of_month",
            "Pay day of the month (monthly pay)",
            "int",
            7,
            "If it falls on a weekend or bank holiday, pay goes out the working day before.",
            minimum=1,
            maximum=28,
        ),
        SettingSpec(
            "esa_weekly_earnings_limit_pence",
            "ESA Permitted Work weekly earnings limit",
            "pence",
            19550,
            minimum=0,
            maximum=100_000,
        ),
        SettingSpec(
            "esa_weekly_hours_limit",
            "ESA Permitted Work hours a week (must stay under)",
            "int",
            16,
            minimum=1,
            maximum=60,
        ),
        SettingSpec(
            "carers_weekly_earnings_limit_pence",
            "Carer's Allowance weekly earnings limit",
            "pence",
            19600,
            minimum=0,
            maximum=100_000,
        ),
        SettingSpec(
            "uc_work_allowance_pence",
            "Universal Credit work allowance a month (with housing costs)",
            "pence",
            41100,
            minimum=0,
            maximum=1_000_000,
        ),
        SettingSpec(
            "uc_work_allowance_no_housing_pence",
            "Universal Credit work allowance a month (no housing costs)",
            "pence",
            68400,
            minimum=0,
            maximum=1_000_000,
        ),
        SettingSpec(
            "backup_generations",
            "Backups to keep",
            "int",
            14,
            "`coop backup` with no folder keeps this many of the newest backups in BACKUP_DIR.",
            minimum=1,
            maximum=365,
        ),
        SettingSpec(
            "uc_taper_bp",
            "Universal Credit taper (basis points)",
            "int",
            5500,
            "For each £1 earned over the work allowance, Universal Credit goes down by this much "
            "(5500 is 55p). Used only for the estimate members see of what they keep.",
            minimum=0,
            maximum=10000,
        ),
        SettingSpec(
            "offer_expiry_hours", "Offers lapse after (hours)", "int", 48, minimum=1, maximum=24 * 14
        ),
        SettingSpec(
            "fair_release_hours",
            "Fair release: hold new shifts for (hours; 0 = off)",
            "int",
            0,
            "New shifts are first open only to the eligible members furthest below their preferred "
            "hours, then to everyone.",
            minimum=0,
            maximum=72,
        ),
        SettingSpec(
            "fair_release_group",
            "Fair release: members who see a held shift first",
            "int",
            10,
            minimum=1,
            maximum=500,
        ),
        SettingSpec("vat_registered", "The co-op is registered for VAT", "bool", True),
        SettingSpec("vat_number", "VAT registration number", "text", "GB 123 4567 89"),
        SettingSpec(
            "coop_registration_number",
            "Registration number (registered society or company)",
            "text",
            "RS007654",
            "Printed on invoices and carried in e-invoices, so clients' systems can identify the co-op.",
        ),
        SettingSpec("coop_email", "Co-op email for clients", "text", "hello@coop.example"),
        SettingSpec(
            "coop_bank_details",
            "How clients pay (shown on invoices)",
            "text",
            "Bank transfer to Co-op Works Ltd, sort code 00-00-00, account 12345678",
        ),
        SettingSpec("invoice_prefix", "Invoice number prefix", "text", "CW-"),
        SettingSpec("credit_note_prefix", "Credit note number prefix", "text", "CN-"),
        SettingSpec(
            "reminder_interval_days",
            "Days between reminders for overdue invoices",
            "int",
            7,
            minimum=1,
            maximum=90,
        ),
        SettingSpec(
            "invoice_link_days",
            "Days a link in an invoice email keeps working",
            "int",
            90,
            minimum=1,
            maximum=365,
        ),
        SettingSpec(
            "quorum_percent", "Quorum (% of members who must vote)", "percent", 25, minimum=0, maximum=100
        ),
        SettingSpec(
            "majority_percent",
            "Majority needed (% of for and against votes)",
            "percent",
            50,
            "A proposal passes when more than this share of for-and-against votes are for it.",
            minimum=1,
            maximum=99,
        ),
        SettingSpec(
            "enquiry_contact_days",
            "Working days to contact someone who asked about joining",
            "int",
            3,
            "An enquiry nobody has contacted within this many working days is raised on "
            "coordinators' home page and emailed to them, once.",
            minimum=1,
            maximum=30,
        ),
        SettingSpec(
            "enquiry_keep_months",
            "Months to keep enquiries that did not lead to membership",
            "int",
            6,
            "Then they are deleted. People can ask for theirs to be deleted sooner.",
            minimum=1,
            maximum=24,
        ),
        SettingSpec("helpline_phone", "Helpline phone number (posters and leaflets)", "text", "01234 567890"),
        SettingSpec(
            "short_web_address",
            "Short web address for posters and leaflets",
            "text",
            "coop.example/interested",
            "Where the form is, as people would type it. The QR code goes to the full address.",
        ),
        *(
            SettingSpec(
                key,
                f"Accounts: {label}",
                "text",
                default,
                "The account's code in your accounts, a space, then its name (the chart of accounts "
                "the accountant's journal uses).",
            )
            for key, label, default in CHART_OF_ACCOUNTS.values()
        ),
        *COVER_SPECS,
    ]
}
