"""What a push notification says, per email template that has one. A push notification shows on
a lock screen, so it never names a figure (pay, hours against a limit), a service, a client or
anything about health or benefits: it says what happened, when, and opens the page where the
person acts on it. `lock_screen_safe` is the check every text passes before it is queued."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coop.notify.models import NotifyKind
from coop.text import plural
from coop.timeutil import format_dt


@dataclass(frozen=True)
class PushText:
    kind: NotifyKind  # the kind people choose by
    title: str
    body: str
    path: str  # the page where it is acted on


def _when(moment: Any) -> str:
    return format_dt(moment, "EEE d MMM, HH:mm")


# template name -> (kind, a function of the email's context giving title, body and page)
TEXTS: dict[str, tuple[NotifyKind, Callable[[dict[str, Any]], tuple[str, str, str]]]] = {
    "offers_made": (
        NotifyKind.OFFERS,
        lambda c: (
            "Work offered to you",
            f"{plural(len(c['shifts']), 'shift', 'shifts')} you could do. Say yes or no.",
            "/home",
        ),
    ),
    "asked_to_work": (
        NotifyKind.OFFERS,
        lambda c: (
            "Could you do a shift?",
            f"A coordinator asked if you can work {_when(c['shift'].starts_at)}.",
            "/shifts/mine",
        ),
    ),
    "swap_proposed": (
        NotifyKind.SWAPS,
        lambda c: (
            "A swap is offered to you",
            "Another member would like to swap shifts with you.",
            "/shifts/mine",
        ),
    ),
    "swap_taken": (
        NotifyKind.SWAPS,
        lambda c: (
            "Your shift was taken",
            f"Another member took your shift on {_when(c['shift'].starts_at)}.",
            "/shifts/mine",
        ),
    ),
    "swap_declined": (
        NotifyKind.SWAPS,
        lambda c: (
            "Your swap was not taken",
            f"Your shift on {_when(c['shift'].starts_at)} is still yours.",
            "/shifts/mine",
        ),
    ),
    "swap_exchanged": (
        NotifyKind.SWAPS,
        lambda c: ("Swap done", f"The shift on {_when(c['got'].starts_at)} is now yours.", "/shifts/mine"),
    ),
    "opportunity_reply": (
        NotifyKind.ANSWERS,
        lambda c: ("A coordinator answered you", "Open Co-op Works to read the answer.", "/my/opportunities"),
    ),
    "timesheet_queried": (
        NotifyKind.ANSWERS,
        lambda c: (
            "A question about your hours",
            f"Please check your hours for {_when(c['shift'].starts_at)}.",
            "/timesheets",
        ),
    ),
    "shift_reminder": (
        NotifyKind.REMINDERS,
        lambda c: (
            f"Tomorrow at {format_dt(c['shift'].starts_at, 'HH:mm')}",
            "Your shift tomorrow: open for the address and who to ask for.",
            "/shifts/mine",
        ),
    ),
    "booking_requested": (
        NotifyKind.REQUESTS,
        lambda c: (
            "New booking request",
            "A client asked for a booking. Confirm or decline it.",
            f"/bookings/{c['booking'].id}",
        ),
    ),
    "visit_change_requested": (
        NotifyKind.REQUESTS,
        lambda c: (
            "A client asks to change a visit",
            f"The visit on {_when(c['shift'].starts_at)}.",
            "/bookings/changes",
        ),
    ),
    "cover_offer": (
        NotifyKind.COVER,
        lambda c: (
            "Could you cover a shift?",
            f"Someone can't make {_when(c['shift'].starts_at)}. Say yes or no.",
            f"/cover/offers/{c['offer_id']}",
        ),
    ),
    "cover_closed": (
        NotifyKind.COVER,
        lambda c: ("Thank you", "The shift you were asked about is covered now.", "/shifts/mine"),
    ),
    "cover_found": (
        NotifyKind.COVER_ALERTS,
        lambda c: ("Cover found", f"The shift on {_when(c['shift'].starts_at)} is covered.", "/cover"),
    ),
    "running_late": (
        NotifyKind.COVER_ALERTS,
        lambda c: (
            "Someone is running late",
            f"For the shift on {_when(c['shift'].starts_at)}: about {c['minutes']} minutes.",
            "/cover",
        ),
    ),
    "cover_client_chose": (
        NotifyKind.COVER_ALERTS,
        lambda c: (
            "A client chose what to do",
            f"About the visit on {_when(c['shift'].starts_at)}.",
            "/cover",
        ),
    ),
    "cover_needed": (
        NotifyKind.COVER_ALERTS,
        lambda c: (
            "Cover needed",
            f"A shift on {_when(c['shift'].starts_at)} needs someone.",
            f"/shifts/{c['shift'].id}/fill",
        ),
    ),
}

# Never on a lock screen: money, limits, pay, and anything about health or benefits.
_UNSAFE = re.compile(
    r"£|\d+p\b|\bpence\b|\bpay|\bpaid\b|\bearn|\bwage|\blimit|\bcap\b|\bheadroom|\bbenefit|\bcredit\b|"
    r"\besa\b|\bpip\b|\buc\b|\ballowance|\bhealth|\bmental|\bill(ness)?\b|\bdiagnos|\bmedic|\bcondition|"
    r"\bsick|\bdisab|\bsymptom|\btherap|\bcrisis",
    re.IGNORECASE,
)


def lock_screen_safe(text: str) -> bool:
    return _UNSAFE.search(text) is None


def push_text(template: str, context: dict[str, Any]) -> PushText | None:
    """The push notification for this email (None when the email has no push form)."""
    found = TEXTS.get(template)
    if found is None:
        return None
    kind, make = found
    title, body, path = make(context)
    if not (lock_screen_safe(title) and lock_screen_safe(body)):
        raise ValueError(f"the push text for {template} would show something private on a lock screen")
    return PushText(kind, title, body, path)
