"""Auto-fill against the database: build its inputs, send its proposals as offers, and let
members accept (through the same atomic claim) or decline (no penalty). Also fair release."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.orm import Session, selectinload

from coop.bookings.models import Service, Shift, ShiftStatus
from coop.db import lock, serialize, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.limits import service as limits
from coop.members.models import Member, MemberStatus
from coop.notify import service as notify
from coop.rota import service as rota
from coop.rota.autofill import Candidate, LimitBudget, OpenShift, Proposal, Result, propose, week_of
from coop.rota.models import Assignment, AssignmentSource, Offer, OfferStatus, RotaPreferences
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import london_days_utc, to_london, utcnow, whole_weeks_utc


@dataclass
class Plan:
    result: Result
    shifts: dict[int, Shift]
    members: dict[int, Member]


def _open_offers(session: Session, shift_ids: Sequence[int], now: datetime) -> dict[int, int]:
    rows = session.execute(
        select(Offer.shift_id, func.count())
        .where(Offer.shift_id.in_(shift_ids), Offer.status == OfferStatus.OFFERED, Offer.expires_at > now)
        .group_by(Offer.shift_id)
    )
    return {shift_id: count for shift_id, count in rows}


def _limit_budget(planner: limits.Planner) -> LimitBudget | None:
    limit = planner.limit
    if limit is None:
        return None

    def earnings_left(period: object) -> int | None:
        if limit.earnings_limit_pence is None:
            return None
        return limit.earnings_limit_pence - planner.totals(period).pay_pence  # type: ignore[arg-type]

    def minutes_left(period: object) -> int | None:
        if limit.hours_limit_minutes is None:
            return None
        return limit.hours_limit_minutes - planner.totals(period).minutes  # type: ignore[arg-type]

    return LimitBudget(period_of=planner.period_of, earnings_left=earnings_left, minutes_left=minutes_left)


def plan(
    session: Session,
    first_day: date,
    last_day: date,
    *,
    service_ids: Sequence[int] = (),
    now: datetime | None = None,
) -> Plan:
    """Propose who to offer each open slot to, between two London days (inclusive)."""
    now = now or utcnow()
    first_starts, hi = london_days_utc(first_day, last_day)
    lo = max(first_starts, now)
    stmt = (
        select(Shift)
        .join(Service, Service.id == Shift.service_id)
        .where(
            Shift.status == ShiftStatus.SCHEDULED,
            Shift.starts_at >= lo,
            Shift.starts_at < hi,
            Shift.filled < Shift.slots,
        )
    )
    if service_ids:
        stmt = stmt.where(Shift.service_id.in_(service_ids))
    shifts = list(session.scalars(stmt.order_by(Shift.starts_at)))
    offered = _open_offers(session, [s.id for s in shifts], now)
    open_shifts = []
    for s in shifts:
        left = s.slots - s.filled - offered.get(s.id, 0)
        if left > 0:
            open_shifts.append(
                OpenShift(
                    s.id, s.service.skill_id, s.starts_at, s.ends_at, left, limits.shift_pay_pence(session, s)
                )
            )
    members = list(
        session.scalars(
            select(Member).options(selectinload(Member.skills)).where(Member.status != MemberStatus.LEFT)
        )
    )
    rules = rota.rules_from_settings(session)
    # The rules' reach around the shifts, and the whole weeks they lie in (the hours each member
    # already holds those weeks, toward their preferred hours).
    week_lo, week_hi = whole_weeks_utc(first_day, last_day)
    facts = rota.member_facts(
        session, members, (min(week_lo, lo - rules.reach), max(week_hi, hi + rules.reach))
    )
    prefs = {p.member_id: p.preferred_hours_week for p in session.scalars(select(RotaPreferences))}
    candidates = []
    for m in members:
        f = facts[m.id]
        worked: dict[date, int] = defaultdict(int)
        for start, end in f.busy:
            worked[week_of(start)] += int((end - start).total_seconds() // 60)
        planner = limits.Planner.for_member(session, m, between=(first_day, last_day))
        preferred = prefs.get(m.id)
        candidates.append(
            Candidate(f, preferred * 60 if preferred else None, dict(worked), _limit_budget(planner))
        )
    result = propose(open_shifts, candidates, rules)
    return Plan(result, {s.id: s for s in shifts}, {m.id: m for m in members})


def queue_offers(session: Session, proposals: Sequence[Proposal], *, now: datetime | None = None) -> int:
    """Turn proposals into offers (one email per member). Returns how many offers were made."""
    now = now or utcnow()
    made: dict[int, list[Offer]] = defaultdict(list)
    with write_transaction(session):
        serialize(session, "queue_offers")  # two coordinators sending at once make each offer once
        expires = now + timedelta(hours=settings.get(session, K.OFFER_EXPIRY_HOURS))
        _make_offers(session, proposals, now, expires, made)
    return sum(len(v) for v in made.values())


def offer_one(session: Session, member_id: int, shift_id: int, *, now: datetime | None = None) -> None:
    """A coordinator offers one open shift to one member (from the week grid): only if they could
    take it; saying yes goes through the claim rule, and saying no is fine."""
    now = now or utcnow()
    member, shift = session.get(Member, member_id), session.get(Shift, shift_id)
    if member is None or shift is None:
        raise NotFound("No such member or shift.")
    problems = rota.shift_problems(session, member, shift, now=now)
    if problems:
        raise DomainError(rota.problem_sentence(problems[0], member, second_person=False))
    if shift.filled >= shift.slots:
        raise DomainError(_("This shift has no free place now."))
    if not limits.fits_for_coordinator(session, member, shift):
        raise DomainError(
            _(
                "This shift does not fit %(name)s's limit. Only they can see or change it.",
                name=member.display_name,
            )
        )
    if queue_offers(session, [Proposal(shift_id, member_id)], now=now) == 0:
        raise DomainError(_("%(name)s has already been offered this shift.", name=member.display_name))


def _make_offers(
    session: Session,
    proposals: Sequence[Proposal],
    now: datetime,
    expires: datetime,
    made: dict[int, list[Offer]],
) -> None:
    could = _could_take(session, proposals, now)
    for p in proposals:
        shift = session.get(Shift, p.shift_id)
        member = session.get(Member, p.member_id)
        if shift is None or member is None or shift.status != ShiftStatus.SCHEDULED or shift.starts_at <= now:
            continue
        if (p.member_id, p.shift_id) not in could:
            continue  # no longer theirs to take (a proposal made a while ago): never offered
        exists = session.scalar(
            select(Offer.id).where(
                Offer.shift_id == p.shift_id,
                Offer.member_id == p.member_id,
                Offer.status == OfferStatus.OFFERED,
            )
        )
        if exists is not None:
            continue
        offer = Offer(shift_id=p.shift_id, member_id=p.member_id, expires_at=min(expires, shift.starts_at))
        session.add(offer)
        made[p.member_id].append(offer)
    session.flush()
    for member_id, offers in made.items():
        member = session.get(Member, member_id)
        assert member is not None
        notify.tell_member(
            session,
            member,
            "offers_made",
            shifts=[o.shift for o in offers],
        )


def _could_take(session: Session, proposals: Sequence[Proposal], now: datetime) -> set[tuple[int, int]]:
    """The proposals the member could take now by the claim's own rule (rota.can_take), judged
    as a set against what is held before the batch (offers hold no place), so the batch gives
    the same offers in any order; facts are loaded once for the batch."""
    shifts = {
        s.id: s for s in session.scalars(select(Shift).where(Shift.id.in_({p.shift_id for p in proposals})))
    }
    members = list(
        session.scalars(
            select(Member)
            .options(selectinload(Member.skills))
            .where(Member.id.in_({p.member_id for p in proposals}))
        )
    )
    if not shifts or not members:
        return set()
    rules = rota.rules_from_settings(session)
    reach = rules.reach + timedelta(days=1)
    lo = min(s.starts_at for s in shifts.values()) - reach
    hi = max(s.ends_at for s in shifts.values()) + reach
    facts = rota.member_facts(session, members, (lo, hi))
    out = set()
    for p in proposals:
        shift = shifts.get(p.shift_id)
        f = facts.get(p.member_id)
        if (
            shift is not None
            and f is not None
            and shift.starts_at > now
            and rota.can_take(f, rota.shift_facts(shift), rules)
        ):
            out.add((p.member_id, p.shift_id))
    return out


def lapse_offers(session: Session, *, now: datetime | None = None) -> int:
    """Offers nobody answered in time lapse (`coop lapse-offers`, every few minutes): the slot is
    open to everyone again and the member sees that the offer lapsed. Places a coordinator asked
    a member about and that were not answered before the shift started go back to open too.
    Returns how many."""
    now = now or utcnow()
    with write_transaction(session):
        result = session.execute(
            update(Offer)
            .where(Offer.status == OfferStatus.OFFERED, Offer.expires_at <= now)
            .values(status=OfferStatus.LAPSED, decided_at=now)
            .execution_options(synchronize_session=False)
        )
        asked = rota.lapse_asked(session, now)
    return int(result.rowcount) + asked  # type: ignore[attr-defined]


def offers_and_lapsed(
    session: Session, member: Member, planner: limits.Planner | None = None, *, now: datetime | None = None
) -> tuple[list[tuple[Offer, limits.Fit]], list[Offer]]:
    """The member's open offers, soonest to lapse first, each with what it would leave of their
    limit; and the offers that lapsed unanswered in the last week, latest first (answered or
    not, nothing is held against them). One statement; pass the member's Planner if you have
    one, to save reading their work again."""
    now = now or utcnow()
    rows = session.scalars(
        select(Offer)
        .where(
            Offer.member_id == member.id,
            or_(
                and_(Offer.status == OfferStatus.OFFERED, Offer.expires_at > now),
                and_(
                    or_(
                        Offer.status == OfferStatus.LAPSED,
                        and_(Offer.status == OfferStatus.OFFERED, Offer.expires_at <= now),
                    ),
                    Offer.expires_at > now - timedelta(days=7),
                ),
            ),
        )
        .order_by(Offer.expires_at, Offer.id)
    ).all()
    offers = [o for o in rows if o.status == OfferStatus.OFFERED and o.expires_at > now]
    lapsed = [o for o in reversed(rows) if not (o.status == OfferStatus.OFFERED and o.expires_at > now)]
    if not offers:
        return [], lapsed
    planner = planner or limits.Planner.for_member(session, member)
    planner.load_days(to_london(o.shift.starts_at).date() for o in offers)
    return [(o, planner.fit(o.shift)) for o in offers], lapsed


def accept(
    session: Session,
    member_id: int,
    offer_id: int,
    *,
    accept_limit_warning: bool = False,
    now: datetime | None = None,
) -> Assignment:
    """The member says yes: they get the slot under the same rule as a claim (rota.take_place),
    and the offer is marked accepted in the same transaction."""
    now = now or utcnow()
    with write_transaction(session):
        offer = session.get(Offer, offer_id)
        if offer is None or offer.member_id != member_id:
            raise NotFound("No such offer.")
        # Lock order as in every claim: member, shift, then the offer itself.
        rota.lock_member(session, member_id)
        rota.lock_shift(session, offer.shift_id)
        offer = lock(session, Offer, offer_id)
        assert offer is not None
        _still_open(offer, now)
        assignment = rota.take_place(
            session,
            member_id,
            offer.shift_id,
            now=now,
            source=AssignmentSource.OFFER,
            accept_limit_warning=accept_limit_warning,
        )
        offer.status, offer.decided_at = OfferStatus.ACCEPTED, now
    return assignment


def _still_open(offer: Offer, now: datetime) -> None:
    if offer.status == OfferStatus.ACCEPTED:
        raise DomainError(_("You already hold this shift: you said yes to this offer."))
    if offer.status == OfferStatus.DECLINED:
        raise DomainError(
            _("You said no to this offer. The shift may still be open on the open shifts page.")
        )
    if offer.status == OfferStatus.LAPSED or offer.expires_at <= now:
        raise DomainError(_("This offer has lapsed. The shift may still be open on the open shifts page."))
    if offer.status != OfferStatus.OFFERED:
        raise DomainError(_("This offer is closed."))


def decline(session: Session, member_id: int, offer_id: int, *, now: datetime | None = None) -> None:
    """Saying no is always fine: the slot goes back to open, and nothing is recorded against anyone."""
    now = now or utcnow()
    with write_transaction(session):
        offer = lock(session, Offer, offer_id)
        if offer is None or offer.member_id != member_id:
            raise NotFound("No such offer.")
        if offer.status == OfferStatus.ACCEPTED:
            raise DomainError(
                _(
                    "You already hold this shift, because you said yes to this offer. "
                    "If you cannot do it, let it go from My shifts: that is fine too."
                )
            )
        if offer.status == OfferStatus.OFFERED:
            offer.status, offer.decided_at = OfferStatus.DECLINED, now


# --- fair release -------------------------------------------------------------------------------
