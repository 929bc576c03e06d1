"""What a push notification says, per email template that has one. A push notification shows on
a lock screen, so it never names a figure (pay, hours against a limit), a service, a client or
anything about health or benefits: it says what happened, when, and opens the page where the
person acts on it. `lock_screen_safe` is the check every text passes before it is queued."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from coop.i18n import gettext as _
from coop.i18n import ngettext
from coop.notify.models import NotifyKind
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
            _("Work offered to you"),
            ngettext(
                "%(num)s shift you could do. Say yes or no.",
                "%(num)s shifts you could do. Say yes or no.",
                len(c["shifts"]),
            ),
            "/home",
        ),
    ),
    "asked_to_work": (
        NotifyKind.OFFERS,
        lambda c: (
            _("Could you do a shift?"),
            _("A coordinator asked if you can work %(when)s.", when=_when(c["shift"].starts_at)),
            "/shifts/mine",
        ),
    ),
    "swap_proposed": (
        NotifyKind.SWAPS,
        lambda c: (
            _("A swap is offered to you"),
            _("Another member would like to swap shifts with you."),
            "/shifts/mine",
        ),
    ),
    "swap_taken": (
        NotifyKind.SWAPS,
        lambda c: (
            _("Your shift was taken"),
            _("Another member took your shift on %(when)s.", when=_when(c["shift"].starts_at)),
            "/shifts/mine",
        ),
    ),
    "swap_declined": (
        NotifyKind.SWAPS,
        lambda c: (
            _("Your swap was not taken"),
            _("Your shift on %(when)s is still yours.", when=_when(c["shift"].starts_at)),
            "/shifts/mine",
        ),
    ),
    "swap_exchanged": (
        NotifyKind.SWAPS,
        lambda c: (
            _("Swap done"),
            _("The shift on %(when)s is now yours.", when=_when(c["got"].starts_at)),
            "/shifts/mine",
        ),
    ),
    "opportunity_reply": (
        NotifyKind.ANSWERS,
        lambda c: (
            _("A coordinator answered you"),
            _("Open Co-op Works to read the answer."),
            "/my/opportunities",
        ),
    ),
    "timesheet_queried": (
        NotifyKind.ANSWERS,
        lambda c: (
            _("A question about your hours"),
            _("Please check your hours for %(when)s.", when=_when(c["shift"].starts_at)),
            "/timesheets",
        ),
    ),
    "shift_reminder": (
        NotifyKind.REMINDERS,
        lambda c: (
            _("Tomorrow at %(time)s", time=format_dt(c["shift"].starts_at, "HH:mm")),
            _("Your shift tomorrow: open for the address and who to ask for."),
            "/shifts/mine",
        ),
    ),
    "booking_requested": (
        NotifyKind.REQUESTS,
        lambda c: (
            _("New booking request"),
            _("A client asked for a booking. Confirm or decline it."),
            f"/bookings/{c['booking'].id}",
        ),
    ),
    "visit_change_requested": (
        NotifyKind.REQUESTS,
        lambda c: (
            _("A client asks to change a visit"),
            _("The visit on %(when)s.", when=_when(c["shift"].starts_at)),
            "/bookings/changes",
        ),
    ),
    "cover_offer": (
        NotifyKind.COVER,
        lambda c: (
            _("Could you cover a shift?"),
            _("Someone can't make %(when)s. Say yes or no.", when=_when(c["shift"].starts_at)),
            f"/cover/offers/{c['offer_id']}",
        ),
    ),
    "cover_closed": (
        NotifyKind.COVER,
        lambda c: (_("Thank you"), _("The shift you were asked about is covered now."), "/shifts/mine"),
    ),
    "cover_found": (
        NotifyKind.COVER_ALERTS,
        lambda c: (
            _("Cover found"),
            _("The shift on %(when)s is covered.", when=_when(c["shift"].starts_at)),
            "/cover",
        ),
    ),
    "running_late": (
        NotifyKind.COVER_ALERTS,
        lambda c: (
            _("Someone is running late"),
            ngettext(
                "For the shift on %(when)s: about %(num)s minute.",
                "For the shift on %(when)s: about %(num)s minutes.",
                c["minutes"],
                when=_when(c["shift"].starts_at),
            ),
            "/cover",
        ),
    ),
    "cover_client_chose": (
        NotifyKind.COVER_ALERTS,
        lambda c: (
            _("A client chose what to do"),
            _("About the visit on %(when)s.", when=_when(c["shift"].starts_at)),
            "/cover",
        ),
    ),
    "cover_needed": (
        NotifyKind.COVER_ALERTS,
        lambda c: (
            _("Cover needed"),
            _("A shift on %(when)s needs someone.", when=_when(c["shift"].starts_at)),
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
