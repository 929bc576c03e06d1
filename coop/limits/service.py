"""The limits area's interface for other areas, the CLI and the demo: what they may call, named in
`__all__`. Each name is defined in the module that holds its rule (periods, earnings, limit,
setting, history); pages may import those modules directly."""

from __future__ import annotations

from coop.limits.earnings import (
    Span,
    WorkRow,
    adjustment_rows,
    estimate_pay,
    estimated_started,
    pay_rules,
    rows_in,
    shift_pay_pence,
    work_rows,
)
from coop.limits.history import (
    PeriodEarnings,
    earnings_csv,
    earnings_history,
    payday_warnings,
)
from coop.limits.limit import (
    Fit,
    LimitWarning,
    Planner,
    Totals,
    left_words,
    limit_for,
    planners_for,
)
from coop.limits.periods import (
    PaySchedule,
    Period,
    pay_schedule,
    period_for,
    previous_periods,
)
from coop.limits.rule import (
    Guard,
    check_own_change,
    enforce,
    fits_for_coordinator,
)
from coop.limits.setting import (
    LIMIT_ACTIONS,
    PRESETS,
    CoordinatorChange,
    LimitData,
    last_coordinator_change,
    preset_data,
    remove_limit,
    set_limit,
    validate,
)

__all__ = [
    "LIMIT_ACTIONS",
    "PRESETS",
    "CoordinatorChange",
    "Fit",
    "Guard",
    "LimitData",
    "LimitWarning",
    "PaySchedule",
    "Period",
    "PeriodEarnings",
    "Planner",
    "Span",
    "Totals",
    "WorkRow",
    "adjustment_rows",
    "check_own_change",
    "earnings_csv",
    "earnings_history",
    "enforce",
    "estimate_pay",
    "estimated_started",
    "fits_for_coordinator",
    "last_coordinator_change",
    "left_words",
    "limit_for",
    "pay_rules",
    "pay_schedule",
    "payday_warnings",
    "period_for",
    "planners_for",
    "preset_data",
    "previous_periods",
    "remove_limit",
    "rows_in",
    "set_limit",
    "shift_pay_pence",
    "validate",
    "work_rows",
]
