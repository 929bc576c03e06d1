"""The impact report for funders and commissioners: what the co-op did in a period, compared with
the one before, with no names and no figure that counts fewer than 5 people."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from coop.auth.models import User
from coop.bookings.models import Service, Shift
from coop.documents import csv_text
from coop.enquiries.models import SOURCES, Enquiry, EnquiryTally
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.i18n.formats import number_text
from coop.members.models import MOVED_ON, Member
from coop.money import format_pence, format_percent
from coop.onward.models import TAKEN_UP, OpportunityInterest
from coop.rota.models import Assignment
from coop.settings import service as settings
from coop.settings.keys import K
from coop.skillshare.models import SignUp, SkillSession
from coop.timesheets.models import TimesheetEntry, TimesheetStatus, worked_minutes
from coop.timeutil import format_date, london_days_utc

MIN_PEOPLE = 5


def fewer() -> str:
    """What a figure about fewer than 5 people shows instead of the number."""
    return _("fewer than %(num)s", num=MIN_PEOPLE)


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    value: int  # in `unit`
    people: int  # how many people the figure is about
    unit: str  # minutes | pence | count | percent

    @property
    def shown(self) -> bool:
        return self.people >= MIN_PEOPLE

    def text(self) -> str:
        """The figure in words, or 'fewer than 5' when it is about fewer than 5 people."""
        if not self.shown:
            return fewer()
        if self.unit == "minutes":
            return _("%(hours)s hours", hours=number_text(round(self.value / 60)))
        if self.unit == "pence":
            return format_pence(self.value)
        if self.unit == "percent":
            return format_percent(self.value)
        return number_text(self.value)


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    def before(self) -> Period:
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def label(self) -> str:
        return _(
            "%(first)s to %(last)s",
            first=format_date(self.first, "d MMM y"),
            last=format_date(self.last, "d MMM y"),
        )


@dataclass(frozen=True)
class Report:
    period: Period
    previous: Period
    figures: list[tuple[Figure, Figure]]  # (this period, the one before)
    living_wage_pence: int

    @property
    def empty(self) -> bool:
        return all(f.value == 0 for f, _ in self.figures)


def figures(session: Session, period: Period) -> list[Figure]:
    lo, hi = london_days_utc(period.first, period.last)
    rows = session.execute(
        select(
            TimesheetEntry.member_id,
            TimesheetEntry.actual_start,
            TimesheetEntry.actual_end,
            TimesheetEntry.break_minutes,
            TimesheetEntry.pay_pence,
            TimesheetEntry.holiday_pence,
            TimesheetEntry.pay_rate_pence,
            Service.involvement,
        )
        .join(Assignment, Assignment.id == TimesheetEntry.assignment_id)
        .join(Shift, Shift.id == Assignment.shift_id)
        .join(Service, Service.id == Shift.service_id)
        .where(
            TimesheetEntry.status == TimesheetStatus.APPROVED,
            TimesheetEntry.actual_start >= lo,
            TimesheetEntry.actual_start < hi,
        )
    ).all()
    floor = settings.get(session, K.PAY_FLOOR_PENCE, period.last)
    work_m = inv_m = pay = wages = paid_minutes = at_floor_m = 0
    workers, involved, paid = set(), set(), set()
    for member_id, start, end, brk, pay_p, holiday_p, rate, involvement in rows:
        minutes = worked_minutes(start, end, brk)
        if involvement:
            inv_m += minutes
            involved.add(member_id)
        else:
            work_m += minutes
            workers.add(member_id)
        if pay_p:  # involvement can be unpaid, by the member's choice
            pay += pay_p + (holiday_p or 0)
            wages += pay_p
            paid_minutes += minutes
            paid.add(member_id)
            if (rate or 0) >= floor:
                at_floor_m += minutes
    sessions = session.execute(
        select(SkillSession.id, SkillSession.teacher_id).where(
            SkillSession.cancelled.is_(False), SkillSession.starts_at >= lo, SkillSession.starts_at < hi
        )
    ).all()
    attended = (
        session.execute(
            select(SignUp.member_id)
            .join(SkillSession, SkillSession.id == SignUp.session_id)
            .where(
                SignUp.attended.is_(True),
                SkillSession.cancelled.is_(False),
                SkillSession.starts_at >= lo,
                SkillSession.starts_at < hi,
            )
        )
        .scalars()
        .all()
    )
    taken = session.scalars(
        select(OpportunityInterest.member_id).where(
            OpportunityInterest.status.in_(TAKEN_UP),
            OpportunityInterest.updated_at >= lo,
            OpportunityInterest.updated_at < hi,
        )
    ).all()
    moved_on = (
        session.scalar(
            select(func.count())
            .select_from(Member)
            .where(
                Member.left_on >= period.first,
                Member.left_on <= period.last,
                Member.leaving_reason.in_(MOVED_ON),
            )
        )
        or 0
    )
    in_sessions = set(attended) | {teacher for _id, teacher in sessions}
    work_figures = [
        Figure("work_hours", _("Hours of paid work"), work_m, len(workers), "minutes"),
        Figure(
            "involvement_hours",
            _("Hours of paid involvement (panels, consultation, training)"),
            inv_m,
            len(involved),
            "minutes",
        ),
        Figure("pay", _("Pay to members, with holiday pay"), pay, len(paid), "pence"),
        Figure("members_paid", _("Members paid"), len(paid), len(paid), "count"),
        Figure(
            "hourly_pay",
            _("Average hourly pay"),
            round(wages * 60 / paid_minutes) if paid_minutes else 0,
            len(paid),
            "pence",
        ),
        Figure(
            "at_living_wage",
            _("Paid hours at or above the Real Living Wage"),
            round(at_floor_m * 100 / paid_minutes) if paid_minutes else 0,
            len(paid),
            "percent",
        ),
        Figure("skill_sessions", _("Skill-sharing sessions held"), len(sessions), len(in_sessions), "count"),
        Figure(
            "skills_gained", _("Skills gained at those sessions"), len(attended), len(set(attended)), "count"
        ),
        Figure(
            "opportunities",
            _("Opportunities taken up (courses, jobs, volunteering)"),
            len(taken),
            len(set(taken)),
            "count",
        ),
        Figure(
            "moved_on",
            _("Members who left for a job or study (as they chose to say)"),
            moved_on,
            moved_on,
            "count",
        ),
    ]
    return work_figures + enquiry_figures(session, period)


def enquiry_figures(session: Session, period: Period) -> list[Figure]:
    """How people found the co-op: enquiries by how they heard, and how many became members
    (invited and signed in). Enquiries deleted under the retention rule count by the month they
    came in (`EnquiryTally`), for months that start within the period."""
    lo, hi = london_days_utc(period.first, period.last)
    by_source: dict[str, int] = dict.fromkeys(SOURCES, 0)
    joined = 0
    rows = session.execute(
        select(Enquiry.heard_from, User.password_hash.is_not(None))
        .outerjoin(Member, Member.id == Enquiry.member_id)
        .outerjoin(User, User.id == Member.user_id)
        .where(Enquiry.created_at >= lo, Enquiry.created_at < hi)
    ).all()
    for source, signed_in in rows:
        by_source[source] += 1
        joined += bool(signed_in)
    for source, n in session.execute(
        select(EnquiryTally.heard_from, EnquiryTally.enquiries).where(
            EnquiryTally.month >= period.first, EnquiryTally.month <= period.last
        )
    ):
        by_source[source] += n
    total = sum(by_source.values())
    return [
        Figure("enquiries", _("People who asked about joining"), total, total, "count"),
        *(
            Figure(
                f"enquiries_{key}",
                _("Heard of us from %(source)s", source=_lower_first(_(label))),
                n,
                n,
                "count",
            )
            for (key, label), n in zip(SOURCES.items(), by_source.values(), strict=True)
        ),
        Figure("enquiries_joined", _("People who asked and became members"), joined, joined, "count"),
    ]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def report(session: Session, first: date, last: date) -> Report:
    period = Period(first, last)
    previous = period.before()
    return Report(
        period,
        previous,
        list(zip(figures(session, period), figures(session, previous), strict=True)),
        settings.get(session, K.PAY_FLOOR_PENCE, last),
    )


def check_period(first: date | None, last: date | None) -> tuple[date, date]:
    if first is None or last is None:
        raise DomainError(_("Choose the first and last day of the period."), field="first")
    if last < first:
        raise DomainError(_("The last day must be on or after the first."), field="last")
    if (last - first).days > 3 * 366:
        raise DomainError(_("Choose a period of up to three years."), field="last")
    return first, last


def as_csv(rep: Report) -> str:
    """One row per figure: this period and the one before, 'fewer than 5' where it is suppressed."""
    return csv_text(
        [
            ["Figure", rep.period.label(), rep.previous.label()],
            *([now.label, now.text(), before.text()] for now, before in rep.figures),
            [],
            [_("Real Living Wage used: %(rate)s an hour", rate=format_pence(rep.living_wage_pence))],
            [
                _(
                    "Figures about fewer than %(num)s people are shown as '%(fewer)s'.",
                    num=MIN_PEOPLE,
                    fewer=fewer(),
                )
            ],
        ]
    )


def chart_rows(rep: Report) -> Iterable[tuple[str, int, int]]:
    """Hours figures shown in both periods, for the chart (a hidden figure is never drawn)."""
    for now, before in rep.figures:
        if now.unit == "minutes" and now.shown and before.shown:
            yield now.label.split(" (")[0], now.value // 60, before.value // 60
