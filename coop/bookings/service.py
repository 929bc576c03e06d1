"""The bookings area's operations in one place, for views, other areas and tests; each lives in the
module named for what it holds (catalogue, clients, planning, lifecycle, cancellations, edits,
reading)."""

from __future__ import annotations

from coop.bookings.cancellations import (  # noqa: F401
    CancelPreview,
    cancel_booking,
    cancel_preview,
    cancel_shift,
    cancel_visits,
    cancellation_fee,
    fee_and_reason,
    fee_price,
    shift_charge_pence,
)
from coop.bookings.catalogue import (  # noqa: F401
    ServiceData,
    get_service,
    list_services,
    save_service,
)
from coop.bookings.clients import (  # noqa: F401
    ClientData,
    client_for_user,
    get_client,
    invite_contact,
    list_clients,
    regenerate_client_feed,
    save_client,
)
from coop.bookings.edits import (  # noqa: F401
    ShiftChange,
    edit_shifts,
    edit_shifts_within,
)
from coop.bookings.lifecycle import (  # noqa: F401
    book_on_behalf,
    book_within,
    booking_data,
    complete_finished_bookings,
    complete_finished_within,
    confirm_booking,
    decline_booking,
    lock_shifts,
    locked_booking,
    notify_client,
    record_event,
    request_booking,
    request_within,
)
from coop.bookings.planning import (  # noqa: F401
    MAX_OCCURRENCES,
    MAX_SHIFT_HOURS,
    MAX_WORKERS,
    WEEKDAY_NAMES,
    BookingData,
    Estimate,
    Occurrence,
    Plan,
    cancellation_terms,
    estimate,
    occurrence_dates,
    plan_booking,
)
from coop.bookings.reading import (  # noqa: F401
    ClientBookings,
    Staffing,
    client_overview,
    get_booking,
    get_shift,
    list_bookings,
    request_queue,
    staffing_for,
)
