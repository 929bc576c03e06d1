"""The rota's rules as pure functions (no database, no Flask), shared by claiming, the open
shifts page, the coordinator's fill, swaps and auto-fill.

A member can take a shift when: they are active; they have the service's skill; the shift fits
their weekly availability pattern (a member with no pattern is available any time); it does not
fall on a day of time off; and it keeps clear of their other shifts by the travel buffer, or, for
shifts that start on different days, by the minimum rest between working days."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from coop.timeutil import to_london

END_OF_DAY = time(23, 59)


@lru_cache(maxsize=65536)
def london_day(moment: datetime) -> date:
    return to_london(moment).date()


@dataclass(frozen=True)
class RotaRules:
    travel_buffer: timedelta = timedelta(minutes=30)
    min_rest: timedelta = timedelta(hours=11)

    @property
    def reach(self) -> timedelta:
        """How far around a shift other shifts can matter."""
        return max(self.travel_buffer, self.min_rest)


@dataclass
class MemberFacts:
    member_id: int
    active: bool
    skill_ids: frozenset[int]
    windows: dict[int, list[tuple[time, time]]] = field(default_factory=dict)  # weekday -> spans
    time_off: list[tuple[date, date]] = field(default_factory=list)
    busy: list[tuple[datetime, datetime]] = field(default_factory=list)  # shifts they hold


@dataclass(frozen=True)
class ShiftFacts:
    shift_id: int
    skill_id: int
    starts_at: datetime
    ends_at: datetime


def fits_pattern(windows: dict[int, list[tuple[time, time]]], starts_at: datetime, ends_at: datetime) -> bool:
    """True when the shift lies inside the member's weekly windows (London wall clock)."""
    if not windows:
        return True
    return fits_pattern_local(windows, to_london(starts_at), to_london(ends_at))


def fits_pattern_local(windows: dict[int, list[tuple[time, time]]], start: datetime, end: datetime) -> bool:
    """fits_pattern with the London times already worked out. A shift past midnight needs a
    window to the end of its first day and one from midnight on the next."""
    if not windows:
        return True
    ends_at_midnight = end.time() == time(0, 0) and end.date() == start.date() + timedelta(days=1)
    if start.date() == end.date() or ends_at_midnight:
        end_t = END_OF_DAY if ends_at_midnight else end.time()
        return any(a <= start.time() and end_t <= b for a, b in windows.get(start.weekday(), []))
    first = any(a <= start.time() and b >= END_OF_DAY for a, b in windows.get(start.weekday(), []))
    second = any(a == time(0, 0) and end.time() <= b for a, b in windows.get(end.weekday(), []))
    return first and second


def on_time_off(time_off: Sequence[tuple[date, date]], starts_at: datetime, ends_at: datetime) -> bool:
    first, last = to_london(starts_at).date(), to_london(ends_at - timedelta(seconds=1)).date()
    return on_time_off_days(time_off, first, last)


def on_time_off_days(time_off: Sequence[tuple[date, date]], first: date, last: date) -> bool:
    return any(a <= last and first <= b for a, b in time_off)


def clash(
    busy: Iterable[tuple[datetime, datetime]], starts_at: datetime, ends_at: datetime, rules: RotaRules
) -> tuple[datetime, datetime] | None:
    """The first held shift too close to this one, if any."""
    for other_start, other_end in busy:
        gap_before = starts_at - other_end  # other shift, then this one
        gap_after = other_start - ends_at  # this one, then the other
        gap = max(gap_before, gap_after)
        if gap < rules.travel_buffer:
            return other_start, other_end
        different_days = london_day(other_start) != london_day(starts_at)
        if different_days and gap < rules.min_rest:
            return other_start, other_end
    return None


def blocking_reasons(member: MemberFacts, shift: ShiftFacts, rules: RotaRules) -> list[str]:
    """Plain-language reasons the member cannot take this shift (empty when they can)."""
    reasons = []
    if not member.active:
        reasons.append("is taking a break or has left")
    if shift.skill_id not in member.skill_ids:
        reasons.append("does not have the skill this work needs")
    if not fits_pattern(member.windows, shift.starts_at, shift.ends_at):
        reasons.append("is not available at that time (weekly pattern)")
    if on_time_off(member.time_off, shift.starts_at, shift.ends_at):
        reasons.append("has time off then")
    if clash(member.busy, shift.starts_at, shift.ends_at, rules) is not None:
        reasons.append("has another shift too close to this one")
    return reasons
