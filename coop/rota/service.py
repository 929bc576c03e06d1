"""The rota area's operations in one place, for views, other areas and tests: each lives in the
module named for what it holds (eligibility, places, claims, swaps, boards, availability,
notices); this module only gathers them. Lower areas (bookings) import the module they need
directly (places, eligibility, fair_release), never this one."""

from __future__ import annotations

from coop.rota.availability import (  # noqa: F401
    END_OF_DAY,
    WEEKDAYS,
    WINDOWS_A_DAY,
    DayChoice,
    add_time_off,
    pattern_from_picker,
    preferences,
    remove_time_off,
    save_preferences,
    set_weekly_pattern,
    time_off,
    weekly_pattern,
)
from coop.rota.boards import (  # noqa: F401
    FillCandidate,
    OpenShiftCard,
    RotaDay,
    ShiftFilter,
    candidates_for,
    my_open_swap_offers,
    my_shifts,
    open_shifts_for,
    rota_by_member,
    rota_day,
    unfilled_shifts,
)
from coop.rota.claims import (  # noqa: F401
    DropResult,
    answer,
    ask_within,
    asked_of,
    assign,
    claim,
    coming_places,
    drop,
    drop_is_late,
    drop_within,
    lapse_asked,
    let_all_go_within,
    my_assignment,
    set_pay_choice,
    still_asked,
)
from coop.rota.eligibility import (  # noqa: F401
    free_members,
    member_facts,
    problem_sentence,
    rules_from_settings,
    shift_facts,
    shift_problems,
)
from coop.rota.notices import (  # noqa: F401
    feed_for,
    feed_shifts,
    member_by_feed_token,
    regenerate_feed,
    send_digests,
    send_shift_reminders,
)
from coop.rota.places import (  # noqa: F401
    JUST_TAKEN,
    DoesNotFit,
    ask_about_change,
    holders_of,
    lock_holders,
    lock_member,
    lock_shift,
    notify_shift_changed,
    recheck_holders,
    release_cancelled_shift,
    take_place,
)
from coop.rota.rules import blocking_reasons, can_take  # noqa: F401
from coop.rota.swaps import (  # noqa: F401
    accept_swap,
    answer_exchange,
    exchange_candidates,
    exchanges_for,
    offer_swap,
    open_swaps_for,
    propose_exchange,
    swap_counts,
    swaps_waiting,
    withdraw_swap,
)
