"""The pay area's operations in one place, for views, other areas and tests; each lives in the
module named for what it holds (expenses, runs, mine)."""

from __future__ import annotations

from coop.pay.expenses import (  # noqa: F401
    MAX_RECEIPT_BYTES,
    RECEIPT_TYPES,
    claim_expense,
    decide_expense,
    expenses_for,
    expenses_waiting,
    get_expense,
    receipt_kind,
)
from coop.pay.mine import (  # noqa: F401
    MyPay,
    days_off_taken,
    leave_year_start,
    my_pay,
)
from coop.pay.runs import (  # noqa: F401
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
