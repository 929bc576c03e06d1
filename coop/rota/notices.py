"""Calendar feeds, the daily digest of open shifts, and reminders of tomorrow's shifts."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, select, update
from sqlalchemy.orm import Session

from coop.bookings.models import Shift, ShiftStatus
from coop.db import write_transaction
from coop.errors import NotFound
from coop.mail import service as mail
from coop.members.models import Member, MemberStatus
from coop.members.service import lock_member
from coop.notify import service as notify
from coop.rota.boards import open_shifts_for
from coop.rota.models import (
    DEFAULT_REMINDER_HOUR,
    Assignment,
    MemberFeed,
    RotaPreferences,
)
from coop.secret_tokens import digest, new_token
from coop.timeutil import london_days_utc, to_london, utcnow


def feed_for(session: Session, member: Member) -> MemberFeed | None:
    return session.scalar(select(MemberFeed).where(MemberFeed.member_id == member.id))


def regenerate_feed(session: Session, member: Member) -> str:
    """A new secret calendar address (the first one, or a replacement that revokes the old).
    Returns its token, to show once: only its digest is kept."""
    token = new_token()
    with write_transaction(session):
        lock_member(session, member.id)  # two clicks at once: one address, not a unique-key error
        feed = feed_for(session, member)
        if feed is None:
            session.add(MemberFeed(member_id=member.id, token_sha256=digest(token)))
        else:
            feed.token_sha256 = digest(token)
    return token


def member_by_feed_token(session: Session, token: str) -> Member:
    feed = session.scalar(select(MemberFeed).where(MemberFeed.token_sha256 == digest(token)))
    if feed is None:
        raise NotFound("No such calendar.")
    member = session.get(Member, feed.member_id)
    assert member is not None
    return member


def feed_shifts(session: Session, member: Member, *, now: datetime | None = None) -> list[Shift]:
    now = now or utcnow()
    return list(
        session.scalars(
            select(Shift)
            .join(Assignment, and_(Assignment.shift_id == Shift.id, Assignment.member_id == member.id))
            .where(
                Assignment.held(),
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.ends_at > now - timedelta(days=60),
            )
            .order_by(Shift.starts_at)
        )
    )


def queue_digests(session: Session, *, now: datetime | None = None) -> int:
    """Email members who opted in the open shifts they could take that appeared since their
    last digest. Returns how many emails were queued."""
    now = now or utcnow()
    queued = 0
    with write_transaction(session):
        prefs = list(session.scalars(select(RotaPreferences).where(RotaPreferences.daily_digest.is_(True))))
        for p in prefs:
            member = session.get(Member, p.member_id)
            if member is None or member.status != MemberStatus.ACTIVE:
                continue
            if p.last_digest_at and now - p.last_digest_at < timedelta(hours=20):
                continue
            since = p.last_digest_at or now - timedelta(days=1)
            fresh = [o for o in open_shifts_for(session, member, now=now) if o.shift.created_at >= since]
            p.last_digest_at = now
            if fresh:
                mail.tell_member(
                    session,
                    member,
                    "open_shift_digest",
                    items=fresh,
                )
                queued += 1
    return queued


def queue_shift_reminders(session: Session, *, base_url: str, now: datetime | None = None) -> int:
    """Remind each member of tomorrow's shifts, from the hour they chose (`coop
    send-shift-reminders`, hourly). Each held shift is claimed with a conditional update before
    its email is queued, in one transaction, so several app servers or a restart never send a
    reminder twice; a shift cancelled or let go meanwhile gets none. Returns how many were queued."""
    now = now or utcnow()
    local = to_london(now)
    tomorrow = local.date() + timedelta(days=1)
    tomorrow_starts, tomorrow_ends = london_days_utc(tomorrow, tomorrow)
    due = list(
        session.execute(
            select(Assignment.id, RotaPreferences.reminder_hour, RotaPreferences.id)
            .join(Shift, Shift.id == Assignment.shift_id)
            .outerjoin(RotaPreferences, RotaPreferences.member_id == Assignment.member_id)
            .where(
                Assignment.held(),
                Assignment.reminded_at.is_(None),
                Shift.status == ShiftStatus.SCHEDULED,
                Shift.starts_at >= tomorrow_starts,
                Shift.starts_at < tomorrow_ends,
                Shift.starts_at > now,
            )
            .order_by(Assignment.id)
        )
    )
    queued = 0
    for assignment_id, hour, prefs_id in due:
        hour = DEFAULT_REMINDER_HOUR if prefs_id is None else hour  # None: they turned reminders off
        if hour is None or local.hour < hour:
            continue
        with write_transaction(session):
            claimed = session.execute(
                update(Assignment)
                .where(
                    Assignment.id == assignment_id,
                    Assignment.reminded_at.is_(None),
                    Assignment.held(),
                )
                .values(reminded_at=now)
                .execution_options(synchronize_session=False)
            )
            if claimed.rowcount != 1:  # type: ignore[attr-defined]
                continue
            a = session.get(Assignment, assignment_id)
            assert a is not None
            shift = a.shift
            if shift.status != ShiftStatus.SCHEDULED:
                continue
            notify.tell_member(
                session,
                a.member,
                "shift_reminder",
                shift=shift,
                assignment_id=a.id,
                contacts=shift.client.contacts,
                my_shifts=f"{base_url}/shifts/mine",
            )
            queued += 1
    return queued
