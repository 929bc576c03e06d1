"""The caps area's interface for other areas, the CLI and the demo: what they may call, named in
`__all__`. Each name is defined in the module that holds its rule (periods, earnings, limit,
setting, history); pages may import those modules directly."""

from __future__ import annotations

from coop.caps.earnings import (
    Span,
    WorkRow,
    adjustment_rows,
    estimate_pay,
    pay_rules,
    rows_in,
    shift_pay_pence,
    work_rows,
)
from coop.caps.history import (
    PeriodEarnings,
    earnings_csv,
    earnings_history,
    payday_warnings,
)
from coop.caps.limit import (
    CapWarning,
    Fit,
    Planner,
    Totals,
    cap_for,
    left_words,
    planners_for,
)
from coop.caps.periods import (
    PaySchedule,
    Period,
    pay_schedule,
    period_for,
    previous_periods,
)
from coop.caps.rule import (
    Guard,
    check_own_change,
    enforce,
    fits_for_coordinator,
)
from coop.caps.setting import (
    CAP_ACTIONS,
    PRESETS,
    CapData,
    CoordinatorChange,
    last_coordinator_change,
    preset_data,
    remove_cap,
    set_cap,
    validate,
)

__all__ = [
    "CAP_ACTIONS",
    "PRESETS",
    "CapData",
    "CapWarning",
    "CoordinatorChange",
    "Fit",
    "Guard",
    "PaySchedule",
    "Period",
    "PeriodEarnings",
    "Planner",
    "Span",
    "Totals",
    "WorkRow",
    "adjustment_rows",
    "cap_for",
    "check_own_change",
    "earnings_csv",
    "earnings_history",
    "enforce",
    "estimate_pay",
    "fits_for_coordinator",
    "last_coordinator_change",
    "left_words",
    "pay_rules",
    "pay_schedule",
    "payday_warnings",
    "period_for",
    "planners_for",
    "preset_data",
    "previous_periods",
    "remove_cap",
    "rows_in",
    "set_cap",
    "shift_pay_pence",
    "validate",
    "work_rows",
]
