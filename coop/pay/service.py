"""The pay area's interface for other areas, the CLI and the demo: what they may call, named in
`__all__`. Each name is defined in the module that holds its rule (expenses, runs, mine); pages may
import those modules directly."""

from __future__ import annotations

from coop.pay.expenses import (
    MAX_RECEIPT_BYTES,
    RECEIPT_TYPES,
    claim_expense,
    decide_expense,
    expenses_for,
    expenses_waiting,
    get_expense,
    receipt_kind,
)
from coop.pay.mine import (
    MyPay,
    days_off_taken,
    leave_year_start,
    my_pay,
)
from coop.pay.runs import (
    add_adjustment,
    build_pay_run,
    default_period,
    delete_draft,
    export_payroll,
    finalise,
    fingerprint,
    get_run,
    get_statement,
    list_runs,
    open_paydays,
    payroll_csv,
    run_totals,
)

__all__ = [
    "MAX_RECEIPT_BYTES",
    "RECEIPT_TYPES",
    "MyPay",
    "add_adjustment",
    "build_pay_run",
    "claim_expense",
    "days_off_taken",
    "decide_expense",
    "default_period",
    "delete_draft",
    "expenses_for",
    "expenses_waiting",
    "export_payroll",
    "finalise",
    "fingerprint",
    "get_expense",
    "get_run",
    "get_statement",
    "leave_year_start",
    "list_runs",
    "my_pay",
    "open_paydays",
    "payroll_csv",
    "receipt_kind",
    "run_totals",
]
