"""The rota's rules as pure functions (no database, no Flask), shared by claiming, the open
shifts page, the coordinator's fill, swaps and auto-fill.

A member can take a shift when: they are active; they have the service's skill; the shift fits
their weekly availability pattern (a member with no pattern is available any time); it does not
fall on a day of time off; it keeps clear of their other shifts by the travel buffer, or, for
shifts that start on different days, by the minimum rest between working days; and it keeps clear
of the skill-sharing sessions they teach by the travel buffer.

`blocking_reasons` is the one rule: the claim (rota.places.take_place, through
eligibility.shift_problems) and every list that offers shifts to members (open shifts, the week
grid, swaps, auto-fill, offers, fair release, a coordinator's fill) ask it, with facts loaded in
bulk by eligibility.member_facts, so nothing offered is refused later."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache

from coop.i18n import N_
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
    # Skill-sharing sessions they teach: (start, end, the shift that pays for it, if any).
    teaching: list[tuple[datetime, datetime, int | None]] = field(default_factory=list)


@dataclass(frozen=True)
class ShiftFacts:
    shift_id: int
    skill_id: int
    starts_at: datetime
    ends_at: datetime

    @cached_property
    def london(self) -> tuple[datetime, datetime, date, date]:
        """London start and end, and the first and last London days it touches (worked out once
        per shift, however many members are judged against it)."""
        start, end = to_london(self.starts_at), to_london(self.ends_at)
        return start, end, start.date(), to_london(self.ends_at - timedelta(seconds=1)).date()


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


def teaching_clash(
    teaching: Iterable[tuple[datetime, datetime, int | None]], shift: ShiftFacts, rules: RotaRules
) -> bool:
    """A session they teach too close to the shift (travel buffer); the shift that pays for the
    teaching itself is no clash."""
    return any(
        paid_by != shift.shift_id and max(shift.starts_at - end, start - shift.ends_at) < rules.travel_buffer
        for start, end, paid_by in teaching
    )


def _reasons(member: MemberFacts, shift: ShiftFacts, rules: RotaRules) -> Iterator[str]:
    if not member.active:
        yield N_("is taking a break or has left")
    if shift.skill_id not in member.skill_ids:
        yield N_("does not have the skill this work needs")
    start, end, first_day, last_day = shift.london
    if member.windows and not fits_pattern_local(member.windows, start, end):
        yield N_("is not available at that time (weekly pattern)")
    if member.time_off and on_time_off_days(member.time_off, first_day, last_day):
        yield N_("has time off then")
    if member.busy and clash(member.busy, shift.starts_at, shift.ends_at, rules) is not None:
        yield N_("has another shift too close to this one")
    if member.teaching and teaching_clash(member.teaching, shift, rules):
        yield N_("is teaching a skill-sharing session then")


def blocking_reasons(member: MemberFacts, shift: ShiftFacts, rules: RotaRules) -> list[str]:
    """Plain-language reasons the member cannot take this shift (empty when they can)."""
    return list(_reasons(member, shift, rules))


def can_take(member: MemberFacts, shift: ShiftFacts, rules: RotaRules) -> bool:
    """blocking_reasons found nothing (stopping at the first reason: for long candidate lists)."""
    return next(_reasons(member, shift, rules), None) is None
