"""Fair release: when it is on, a new shift is held for a while for the eligible members
furthest below the hours they would like, then opens to everyone."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from coop.bookings.models import Shift
from coop.members.models import Member, MemberStatus
from coop.rota.autofill import week_of
from coop.rota.eligibility import member_facts, rules_from_settings, shift_facts
from coop.rota.models import RotaPreferences, ShiftHold
from coop.rota.rules import blocking_reasons
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import to_london, utcnow, whole_weeks_utc


def hold_new_shifts(session: Session, shifts: Sequence[Shift], *, now: datetime | None = None) -> None:
    """When fair release is on, hold each new shift for the eligible members furthest below
    their preferred hours; it opens to everyone after the hold."""
    hours = settings.get(session, K.FAIR_RELEASE_HOURS)
    if not hours or not shifts:
        return
    now = now or utcnow()
    group = settings.get(session, K.FAIR_RELEASE_GROUP)
    members = list(
        session.scalars(
            select(Member).options(selectinload(Member.skills)).where(Member.status == MemberStatus.ACTIVE)
        )
    )
    prefs = {p.member_id: p.preferred_hours_week for p in session.scalars(select(RotaPreferences))}
    rules = rules_from_settings(session)
    for shift in shifts:
        # The rules' reach around the shift, and its whole week (the hours each member holds).
        day = to_london(shift.starts_at).date()
        week_lo, week_hi = whole_weeks_utc(day, day)
        facts = member_facts(
            session,
            members,
            (min(week_lo, shift.starts_at - rules.reach), max(week_hi, shift.ends_at + rules.reach)),
        )
        week = week_of(shift.starts_at)
        ranked = []
        for m in members:
            preferred = prefs.get(m.id)
            if not preferred or blocking_reasons(facts[m.id], shift_facts(shift), rules):
                continue
            worked = sum(
                int((e - s).total_seconds() // 60) for s, e in facts[m.id].busy if week_of(s) == week
            )
            ranked.append((worked / (preferred * 60), m.id))
        ranked.sort()
        if not ranked:
            continue
        shift.open_to_all_at = now + timedelta(hours=hours)
        session.add_all(ShiftHold(shift_id=shift.id, member_id=mid) for _, mid in ranked[:group])
    session.flush()


def held_for_others(session: Session, shift: Shift, member_id: int, now: datetime) -> bool:
    if shift.open_to_all_at is None or shift.open_to_all_at <= now:
        return False
    return (
        session.scalar(
            select(ShiftHold.id).where(ShiftHold.shift_id == shift.id, ShiftHold.member_id == member_id)
        )
        is None
    )
