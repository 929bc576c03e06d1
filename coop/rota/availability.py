"""When a member can work: preferences, the weekly pattern (and its picker) and time off."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from itertools import pairwise

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from coop.db import write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import WEEKDAYS
from coop.i18n import gettext as _
from coop.members.models import Member
from coop.members.service import lock_member
from coop.rota.models import (
    DEFAULT_REMINDER_HOUR,
    Availability,
    RotaPreferences,
    TimeOff,
)
from coop.timeutil import format_time


def preferences(session: Session, member: Member) -> RotaPreferences:
    prefs = session.scalar(select(RotaPreferences).where(RotaPreferences.member_id == member.id))
    return prefs or RotaPreferences(
        member_id=member.id,
        preferred_hours_week=None,
        show_open_when_paused=False,
        daily_digest=False,
        reminder_hour=DEFAULT_REMINDER_HOUR,
    )


def save_preferences(
    session: Session,
    member: Member,
    *,
    preferred_hours_week: int | None,
    show_open_when_paused: bool,
    daily_digest: bool,
    reminder_hour: int | None = DEFAULT_REMINDER_HOUR,
) -> None:
    if preferred_hours_week is not None and not 0 <= preferred_hours_week <= 60:
        raise DomainError(_("Enter between 0 and 60 hours a week."), field="preferred_hours_week")
    if reminder_hour is not None and not 0 <= reminder_hour <= 23:
        raise DomainError(_("Choose a time for reminders, or none."), field="reminder_hour")
    with write_transaction(session):
        lock_member(session, member.id)  # two first saves at once would both insert the row
        prefs = session.scalar(select(RotaPreferences).where(RotaPreferences.member_id == member.id))
        if prefs is None:
            prefs = RotaPreferences(member_id=member.id)
            session.add(prefs)
        prefs.preferred_hours_week = preferred_hours_week
        prefs.show_open_when_paused = show_open_when_paused
        prefs.daily_digest = daily_digest
        prefs.reminder_hour = reminder_hour


def weekly_pattern(session: Session, member: Member) -> list[Availability]:
    return list(
        session.scalars(
            select(Availability)
            .where(Availability.member_id == member.id)
            .order_by(Availability.weekday, Availability.start_time)
        )
    )


WINDOWS_A_DAY = 3


END_OF_DAY = time(23, 59)  # "24:00": a window to the end of the day


@dataclass(frozen=True)
class DayChoice:
    """What a member ticked and chose for one weekday on the availability picker."""

    free: bool
    all_day: bool = False
    windows: tuple[tuple[time | None, time | None], ...] = ()


def pattern_from_picker(days: Sequence[DayChoice]) -> list[tuple[int, time, time]]:
    """The weekly windows from the picker, or a DomainError that says what to fix. A day that is
    not ticked has no windows; an all-day day is one window from 00:00 to the end of the day."""
    windows: list[tuple[int, time, time]] = []
    for weekday, day in enumerate(days):
        name = _(WEEKDAYS[weekday])
        if not day.free:
            continue
        if day.all_day:
            windows.append((weekday, time(0), END_OF_DAY))
            continue
        chosen = []
        for start, end in day.windows:
            if start is None and end is None:
                continue
            if start is None or end is None:
                raise DomainError(_("On %(day)s, choose both a start and an end.", day=name), field="windows")
            if end <= start:
                raise DomainError(
                    _(
                        "On %(day)s, %(start)s to %(end)s ends before it starts. For work past "
                        "midnight, add a window on the next day too.",
                        day=name,
                        start=format_time(start),
                        end=format_time(end),
                    ),
                    field="windows",
                )
            chosen.append((start, end))
        if not chosen:
            raise DomainError(_("Choose times for %(day)s, or tick All day.", day=name), field="windows")
        chosen.sort()
        for (s1, e1), (s2, e2) in pairwise(chosen):
            if s2 < e1:
                raise DomainError(
                    _(
                        "On %(day)s, %(start1)s–%(end1)s and %(start2)s–%(end2)s overlap. "
                        "Make them one window.",
                        day=name,
                        start1=format_time(s1),
                        end1=format_time(e1),
                        start2=format_time(s2),
                        end2=format_time(e2),
                    ),
                    field="windows",
                )
        windows.extend((weekday, s, e) for s, e in chosen)
    return windows


def set_weekly_pattern(session: Session, member: Member, windows: Sequence[tuple[int, time, time]]) -> None:
    """Replace the member's weekly pattern. An empty pattern means 'any time'."""
    for weekday, start, end in windows:
        if not 0 <= weekday <= 6:
            raise DomainError(_("Choose a day of the week."), field="weekday")
        if end <= start:
            raise DomainError(_("Each time range must end after it starts."), field="windows")
    with write_transaction(session):
        lock_member(session, member.id)  # two saves at once would otherwise both delete, then both add
        session.execute(delete(Availability).where(Availability.member_id == member.id))
        session.add_all(
            Availability(member_id=member.id, weekday=d, start_time=s, end_time=e) for d, s, e in windows
        )


def time_off(session: Session, member: Member, *, today: date) -> list[TimeOff]:
    return list(
        session.scalars(
            select(TimeOff)
            .where(TimeOff.member_id == member.id, TimeOff.last_day >= today)
            .order_by(TimeOff.first_day)
        )
    )


def add_time_off(
    session: Session, member: Member, first_day: date, last_day: date, note: str, *, today: date
) -> TimeOff:
    if last_day < first_day:
        raise DomainError(_("The last day must be on or after the first day."), field="last_day")
    if last_day < today:
        raise DomainError(_("Choose days from today onwards."), field="last_day")
    if (last_day - first_day).days > 366:
        raise DomainError(_("Choose a period of up to a year."), field="last_day")
    with write_transaction(session):
        lock_member(session, member.id)
        entry = TimeOff(member_id=member.id, first_day=first_day, last_day=last_day, note=note.strip()[:200])
        session.add(entry)
    return entry


def remove_time_off(session: Session, member: Member, time_off_id: int) -> None:
    with write_transaction(session):
        lock_member(session, member.id)
        entry = session.get(TimeOff, time_off_id)
        if entry is None or entry.member_id != member.id:
            raise NotFound("No such time off.")
        session.delete(entry)
