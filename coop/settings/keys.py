"""Each setting's name with the type of its value, so `settings.get(session, K.PAY_FLOOR_PENCE)`
is an `int` to mypy (a key is also its name as a string, for the admin page and the history).
`tests/settings` checks that every setting has its key here, of its kind's type."""

from __future__ import annotations

from typing import Generic, TypeVar

T = TypeVar("T")


class Key(str, Generic[T]):
    """A setting's name, carrying the type of its value (int for pence, whole numbers and
    percentages; bool; str for text)."""

    value_type: type[T]

    def __new__(cls, name: str, value_type: type[T]) -> Key[T]:
        key = super().__new__(cls, name)
        key.value_type = value_type
        return key


class K:
    """Every setting, by name."""

    COOP_NAME = Key("coop_name", str)
    COOP_TRADING_NAME = Key("coop_trading_name", str)
    COOP_ADDRESS = Key("coop_address", str)
    COOP_PHONE = Key("coop_phone", str)
    COOP_LANGUAGE = Key("coop_language", str)
    PAY_FLOOR_PENCE = Key("pay_floor_pence", int)
    STATUTORY_MINIMUM_PENCE = Key("statutory_minimum_pence", int)
    CANCELLATION_NOTICE_HOURS = Key("cancellation_notice_hours", int)
    CANCELLATION_GRACE_MINUTES = Key("cancellation_grace_minutes", int)
    CANCELLATION_FEE_PERCENT = Key("cancellation_fee_percent", int)
    DROP_NOTICE_HOURS = Key("drop_notice_hours", int)
    TRAVEL_BUFFER_MINUTES = Key("travel_buffer_minutes", int)
    MIN_REST_HOURS = Key("min_rest_hours", int)
    HOLIDAY_PAY_PERCENT_BP = Key("holiday_pay_percent_bp", int)
    PAY_FREQUENCY = Key("pay_frequency", str)
    PAY_DAY_OF_MONTH = Key("pay_day_of_month", int)
    ESA_WEEKLY_EARNINGS_LIMIT_PENCE = Key("esa_weekly_earnings_limit_pence", int)
    ESA_WEEKLY_HOURS_LIMIT = Key("esa_weekly_hours_limit", int)
    CARERS_WEEKLY_EARNINGS_LIMIT_PENCE = Key("carers_weekly_earnings_limit_pence", int)
    UC_WORK_ALLOWANCE_PENCE = Key("uc_work_allowance_pence", int)
    UC_WORK_ALLOWANCE_NO_HOUSING_PENCE = Key("uc_work_allowance_no_housing_pence", int)
    BACKUP_GENERATIONS = Key("backup_generations", int)
    UC_TAPER_BP = Key("uc_taper_bp", int)
    OFFER_EXPIRY_HOURS = Key("offer_expiry_hours", int)
    FAIR_RELEASE_HOURS = Key("fair_release_hours", int)
    FAIR_RELEASE_GROUP = Key("fair_release_group", int)
    COVER_WAVE_SIZE = Key("cover_wave_size", int)
    COVER_WAVE_SIZE_LEAST = Key("cover_wave_size_least", int)
    COVER_ANSWER_MINUTES = Key("cover_answer_minutes", int)
    COVER_ANSWER_MINUTES_LEAST = Key("cover_answer_minutes_least", int)
    COVER_CLIENT_NOTICE_HOURS = Key("cover_client_notice_hours", int)
    VAT_REGISTERED = Key("vat_registered", bool)
    VAT_NUMBER = Key("vat_number", str)
    COOP_REGISTRATION_NUMBER = Key("coop_registration_number", str)
    COOP_EMAIL = Key("coop_email", str)
    COOP_BANK_DETAILS = Key("coop_bank_details", str)
    INVOICE_PREFIX = Key("invoice_prefix", str)
    CREDIT_NOTE_PREFIX = Key("credit_note_prefix", str)
    REMINDER_INTERVAL_DAYS = Key("reminder_interval_days", int)
    INVOICE_LINK_DAYS = Key("invoice_link_days", int)
    QUORUM_PERCENT = Key("quorum_percent", int)
    MAJORITY_PERCENT = Key("majority_percent", int)
    ENQUIRY_CONTACT_DAYS = Key("enquiry_contact_days", int)
    ENQUIRY_KEEP_MONTHS = Key("enquiry_keep_months", int)
    HELPLINE_PHONE = Key("helpline_phone", str)
    SHORT_WEB_ADDRESS = Key("short_web_address", str)
    ACCOUNT_BANK = Key("account_bank", str)
    ACCOUNT_DEBTORS = Key("account_debtors", str)
    ACCOUNT_VAT = Key("account_vat", str)
    ACCOUNT_DEDUCTIONS = Key("account_deductions", str)
    ACCOUNT_NET_PAY = Key("account_net_pay", str)
    ACCOUNT_SURPLUS = Key("account_surplus", str)
    ACCOUNT_SALES = Key("account_sales", str)
    ACCOUNT_CREDIT_NOTES = Key("account_credit_notes", str)
    ACCOUNT_WAGES = Key("account_wages", str)
    ACCOUNT_HOLIDAY_PAY = Key("account_holiday_pay", str)
    ACCOUNT_EXPENSES = Key("account_expenses", str)
