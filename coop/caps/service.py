"""The limits area's operations in one place, for views, other areas and tests; each lives in the
module named for what it holds (periods, earnings, limit, setting, history)."""

from __future__ import annotations

from coop.caps.earnings import (  # noqa: F401
    Span,
    WorkRow,
    adjustment_rows,
    estimate_pay,
    pay_rules,
    rows_in,
    shift_pay_pence,
    work_rows,
)
from coop.caps.history import (  # noqa: F401
    PeriodEarnings,
    earnings_csv,
    earnings_history,
    payday_warnings,
)
from coop.caps.limit import (  # noqa: F401
    CapWarning,
    Fit,
    Planner,
    Totals,
    cap_for,
    left_words,
    planners_for,
)
from coop.caps.periods import (  # noqa: F401
    PaySchedule,
    Period,
    pay_schedule,
    period_for,
    previous_periods,
)
from coop.caps.rule import (  # noqa: F401
    Guard,
    check_own_change,
    enforce,
    fits_for_coordinator,
)
from coop.caps.setting import (  # noqa: F401
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
