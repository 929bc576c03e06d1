"""The chart of accounts the accountant's journal (coop.books.ledger) posts to: one text setting
per account, its code, a space, then its name. The defaults follow the numbering most UK
small-business charts use (Sage's standard nominal codes)."""

from __future__ import annotations

from coop.i18n import N_
from coop.settings.keys import K, Key

# each account: its setting, what it holds (for the settings page), its default
CHART_OF_ACCOUNTS: dict[str, tuple[Key[str], str, str]] = {
    "bank": (K.ACCOUNT_BANK, N_("bank account"), "1200 Bank current account"),
    "debtors": (K.ACCOUNT_DEBTORS, N_("money clients owe"), "1100 Debtors control"),
    "vat": (K.ACCOUNT_VAT, N_("VAT on sales"), "2200 VAT on sales"),
    "deductions": (
        K.ACCOUNT_DEDUCTIONS,
        N_("tax and National Insurance deducted from pay"),
        "2210 PAYE and National Insurance",
    ),
    "net_pay": (K.ACCOUNT_NET_PAY, N_("pay owed to members"), "2220 Net pay owed"),
    "surplus": (K.ACCOUNT_SURPLUS, N_("surplus shared with members"), "3300 Surplus shared with members"),
    "sales": (K.ACCOUNT_SALES, N_("sales"), "4000 Sales"),
    "credit_notes": (K.ACCOUNT_CREDIT_NOTES, N_("sales credited"), "4009 Sales credit notes"),
    "wages": (K.ACCOUNT_WAGES, N_("gross pay"), "7000 Gross pay"),
    "holiday_pay": (K.ACCOUNT_HOLIDAY_PAY, N_("holiday pay"), "7006 Holiday pay"),
    "expenses": (K.ACCOUNT_EXPENSES, N_("members' expenses repaid"), "7400 Members' expenses repaid"),
}
