"""The member's own limit as the one rule for changes: `enforce` runs inside every claim
(rota.places.take_place); `Guard` checks every other change to work or pay. Members see whether
a shift fits; coordinators only ever yes or no, never a figure."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy.orm import Session

from coop.bookings.models import Shift
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.limits.limit import Fit, LimitWarning, Planner, limit_for
from coop.limits.models import LimitMode
from coop.members.models import Member


def enforce(
    session: Session,
    member: Member,
    shift: Shift,
    *,
    accept_warning: bool,
    member_is_asking: bool,
    chosen: int | None = None,
) -> None:
    """Refuse a shift that breaks the member's limit. Called inside the claim transaction after
    the member's row is locked, so parallel claims cannot together break it. A coordinator can
    never override it, and is told only that it does not fit. `chosen` is an involvement
    member's own lower rate."""
    limit = limit_for(session, member.id)
    if limit is None:
        return
    fit = Planner.for_member(session, member).fit(shift, chosen)
    if fit.fits:
        return
    if not member_is_asking:
        raise DomainError(
            _(
                "This shift does not fit %(name)s's limit, so it cannot be given to them. "
                "Only they can see or change their limit.",
                name=member.display_name,
            )
        )
    if limit.mode == LimitMode.WARN:
        if accept_warning:
            return
        raise LimitWarning(
            _("Before you take this shift: %(reason)s. %(summary)s", reason=fit.reason, summary=fit.summary)
        )
    raise DomainError(
        _(
            "You can't take this shift because %(reason)s. %(summary)s "
            "You can change your limit on the 'My limit' page.",
            reason=fit.reason,
            summary=fit.summary,
        )
    )


def fits_for_coordinator(session: Session, member: Member, shift: Shift) -> bool:
    """Only yes or no: never the figures or why."""
    limit = limit_for(session, member.id)
    return limit is None or Planner.for_member(session, member).fit(shift).fits


class Guard:
    """The limit rule for every change to work or pay that is not a new claim: a coordinator's
    edit of a shift or a service, hours recorded, a pay choice, a surplus share. Build it (after
    locking the members) before the change, with the days the change touches, before and after
    it: `work_days` (the days of the shifts changed, where they were and where they go) and
    `pay_days` (the pay days of pay added). It reads all of each member's work and pay in every
    period those days count in, wherever they lie. Flush the change, then ask `broken()`: the
    members for whom the change takes a period over their limit, each with every such period
    (for their eyes only). Nothing else decides this."""

    def __init__(
        self,
        session: Session,
        member_ids: Iterable[int],
        *,
        work_days: Iterable[date] = (),
        pay_days: Iterable[date] = (),
    ) -> None:
        self.session = session
        work, paid = set(work_days), set(pay_days)
        self.limits = {m: c for m in sorted(set(member_ids)) if (c := limit_for(session, m)) is not None}
        self.periods = {m: self.planner(m).periods_for(work, paid) for m in self.limits}
        self.before = {m: self.planner(m).rows_in(self.periods[m]) for m in self.limits}

    def broken(self) -> dict[int, list[Fit]]:
        self.session.flush()
        out = {}
        for member_id in self.limits:
            planner = self.planner(member_id)  # a fresh one: it reads the work as changed
            after = planner.rows_in(self.periods[member_id])
            fits = planner.worsened(self.before[member_id], after)
            if fits:
                out[member_id] = fits
        return out

    def planner(self, member_id: int) -> Planner:
        """The member's planner (their limit and period rules)."""
        return Planner(self.session, member_id, self.limits[member_id])


def check_own_change(guard: Guard, member_id: int, *, accept_warning: bool, doing: str) -> None:
    """A member's own change to their work or pay (made, not committed): refused when it breaks
    a 'block' limit, and needs their yes when it breaks a 'warn' one. The message is for them."""
    fits = guard.broken().get(member_id)
    if not fits:
        return
    fit = fits[0]
    if fit.mode == LimitMode.WARN:
        if accept_warning:
            return
        raise LimitWarning(
            _("Before you go ahead: %(reason)s. %(summary)s", reason=fit.reason, summary=fit.summary)
        )
    raise DomainError(
        _(
            "%(doing)s is not possible because %(reason)s. %(summary)s",
            doing=doing,
            reason=fit.reason,
            summary=fit.summary,
        )
    )
