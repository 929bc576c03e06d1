"""Pay runs: approved hours, expenses and adjustments gathered into one statement per member,
frozen when finalised (the database refuses a second line for any source), and the payroll CSV."""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from itertools import islice

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.bookings.models import Shift
from coop.db import found, lock, locking, serialize, write_transaction
from coop.documents import csv_text
from coop.errors import DomainError, NotFound
from coop.i18n import N_
from coop.i18n import gettext as _
from coop.limits import service as limits
from coop.limits.service import PaySchedule, pay_schedule
from coop.members.models import Member
from coop.members.service import lock_member
from coop.money import plain_pounds
from coop.pay.models import (
    Expense,
    ExpenseStatus,
    PayAdjustment,
    PayLine,
    PayLineKind,
    PayRun,
    PayRunStatus,
    PayStatement,
)
from coop.rota.models import Assignment
from coop.timesheets.models import TimesheetEntry, TimesheetStatus
from coop.timeutil import format_date, format_dt, london_to_utc, today_london, utcnow


def open_paydays(session: Session, today: date, count: int) -> list[date]:
    """The next `count` pay days (from today) whose pay run is not finalised yet, however many
    coming pay days already have a finalised run."""
    finalised = set(
        session.scalars(
            select(PayRun.pay_date).where(PayRun.status == PayRunStatus.FINALISED, PayRun.pay_date >= today)
        )
    )
    coming = (d for d in pay_schedule(session).paydays_from(today) if d not in finalised)
    return list(islice(coming, count))


def add_adjustment(
    session: Session,
    member: Member,
    amount_pence: int,
    reason: str,
    *,
    actor_id: int,
    pay_on: date | None = None,
    today: date | None = None,
) -> PayAdjustment:
    """A correction for the pay run of a pay day (the next one unless chosen). It is pay, so it
    goes through the limit rule (limits.Guard): one that would take the member over their own
    limit on that pay day is refused, without the figures; ask the member which pay day suits."""

    if amount_pence == 0 or abs(amount_pence) > 1_000_000:
        raise DomainError(_("Enter an amount that is not zero (at most £10,000)."), field="amount")
    if not reason.strip():
        raise DomainError(_("Say what the correction is for."), field="reason")
    today = today or today_london()
    paydays = open_paydays(session, today, 6)
    pay_on = pay_on or paydays[0]
    if pay_on not in paydays:
        raise DomainError(_("Choose one of the coming pay days."), field="pay_on")
    member_id = member.id
    with write_transaction(session):
        member = lock_member(session, member_id)
        guard = limits.Guard(session, [member.id], pay_days=[pay_on])
        adj = PayAdjustment(
            member_id=member.id,
            amount_pence=amount_pence,
            reason=reason.strip()[:500],
            created_by_id=actor_id,
            pay_on=pay_on,
        )
        session.add(adj)
        if guard.broken():
            raise DomainError(
                _(
                    "Paid on %(day)s, this would take %(name)s over their own limit. Ask them which "
                    "pay day suits them, and choose it.",
                    day=format_date(pay_on, "d MMMM"),
                    name=member.display_name,
                ),
                field="pay_on",
            )
        record(
            session,
            actor_id,
            "pay.adjustment",
            ("member", member.id),
            {},
            {"amount_pence": amount_pence, "reason": adj.reason, "pay_on": pay_on.isoformat()},
        )
    return adj


def default_period(schedule: PaySchedule, today: date) -> tuple[date, date]:
    """The last complete pay period before today."""
    if schedule.frequency == "weekly":
        end = today - timedelta(days=today.weekday() + 1)
        return end - timedelta(days=6), end
    first_this_month = today.replace(day=1)
    end = first_this_month - timedelta(days=1)
    return end.replace(day=1), end


def build_pay_run(
    session: Session, period_start: date, period_end: date, *, actor_id: int, today: date
) -> PayRun:
    """Make (or remake) the draft pay run for a period from everything approved and unpaid."""
    if period_end < period_start:
        raise DomainError(_("The period must end after it starts."), field="period_end")
    if (period_end - period_start).days > 62:
        raise DomainError(_("A pay period can be at most two months long."), field="period_end")
    if period_end >= today:
        raise DomainError(_("Choose a period that has ended."), field="period_end")
    with write_transaction(session):
        # One run is built at a time: which work is "approved and unpaid" is decided under the lock.
        serialize(session, "pay_run")
        run = session.scalar(
            locking(
                select(PayRun)
                .where(PayRun.period_start == period_start, PayRun.period_end == period_end)
                .order_by(PayRun.status.desc()),  # a finalised run wins over a draft
                PayRun,
            )
        )
        if run is not None and run.status == PayRunStatus.FINALISED:
            raise DomainError(
                _("That period's pay run is finalised and cannot change. Put corrections in the next run.")
            )
        if run is None:
            run = PayRun(
                period_start=period_start,
                period_end=period_end,
                pay_date=pay_schedule(session).pay_date(period_end),
            )
            session.add(run)
        else:
            for st in list(run.statements):
                session.delete(st)
        session.flush()
        _fill(session, run)
    return run


def _fill(session: Session, run: PayRun) -> None:
    paid_sheets = select(PayLine.timesheet_id).where(PayLine.timesheet_id.is_not(None))
    end = london_to_utc(run.period_end + timedelta(days=1), time(0))
    sheets = session.execute(
        select(TimesheetEntry, Shift)
        .join(Assignment, Assignment.id == TimesheetEntry.assignment_id)
        .join(Shift, Shift.id == Assignment.shift_id)
        .where(
            TimesheetEntry.status == TimesheetStatus.APPROVED,
            Shift.starts_at < end,
            TimesheetEntry.id.not_in(paid_sheets),
        )
        .order_by(Shift.starts_at, TimesheetEntry.id)  # a total order: the same run, line for line
    ).all()
    expenses = session.scalars(
        select(Expense)
        .where(
            Expense.status == ExpenseStatus.APPROVED,
            Expense.id.not_in(select(PayLine.expense_id).where(PayLine.expense_id.is_not(None))),
        )
        .order_by(Expense.id)
    ).all()
    adjustments = session.scalars(
        select(PayAdjustment)
        .where(
            PayAdjustment.id.not_in(select(PayLine.adjustment_id).where(PayLine.adjustment_id.is_not(None))),
            # Paid on a chosen pay day (a share spread over pay days): not before that run.
            or_(PayAdjustment.pay_on.is_(None), PayAdjustment.pay_on <= run.pay_date),
        )
        .order_by(PayAdjustment.id)
    ).all()
    lines: dict[int, list[PayLine]] = defaultdict(list)
    for entry, shift in sheets:
        assert entry.pay_pence is not None and entry.holiday_pence is not None
        label = f"{shift.service.name}, {format_dt(shift.starts_at, 'EEE d MMM y')}"
        lines[entry.member_id].append(
            PayLine(
                kind=PayLineKind.WORK,
                description=label,
                minutes=entry.worked_minutes,
                rate_pence=entry.pay_rate_pence or 0,
                amount_pence=entry.pay_pence,
                timesheet_id=entry.id,
            )
        )
        if entry.holiday_pence:
            lines[entry.member_id].append(
                PayLine(
                    kind=PayLineKind.HOLIDAY,
                    description=f"Holiday pay: {label}",
                    amount_pence=entry.holiday_pence,
                    holiday_for_timesheet_id=entry.id,
                )
            )
    for e in expenses:
        lines[e.member_id].append(
            PayLine(
                kind=PayLineKind.EXPENSE,
                description=f"Expense ({e.kind}): {e.description}",
                amount_pence=e.amount_pence,
                expense_id=e.id,
            )
        )
    for a in adjustments:
        lines[a.member_id].append(
            PayLine(
                kind=PayLineKind.ADJUSTMENT,
                description=f"Correction: {a.reason}",
                amount_pence=a.amount_pence,
                adjustment_id=a.id,
            )
        )
    for member_id, member_lines in sorted(lines.items()):
        earnings = sum(line.amount_pence for line in member_lines if line.kind != PayLineKind.EXPENSE)
        expenses_total = sum(line.amount_pence for line in member_lines if line.kind == PayLineKind.EXPENSE)
        session.add(
            PayStatement(
                pay_run=run,
                member_id=member_id,
                lines=member_lines,
                minutes=sum(line.minutes for line in member_lines if line.kind == PayLineKind.WORK),
                earnings_pence=earnings,
                expenses_pence=expenses_total,
                total_pence=earnings + expenses_total,
            )
        )
    session.flush()


def fingerprint(run: PayRun) -> str:
    """SHA-256 of everything a run's statements say (members, lines, sources, amounts): frozen
    when the run is finalised, checked by `coop verify`, and carried by the finalise form so a
    coordinator only ever finalises the figures they were shown."""
    rows = [
        [
            st.member_id,
            st.minutes,
            st.earnings_pence,
            st.expenses_pence,
            st.total_pence,
            [
                [
                    li.kind,
                    li.description,
                    li.minutes,
                    li.rate_pence,
                    li.amount_pence,
                    li.timesheet_id,
                    li.expense_id,
                    li.adjustment_id,
                    li.holiday_for_timesheet_id,
                ]
                for li in sorted(st.lines, key=lambda li: li.id)
            ],
        ]
        for st in sorted(run.statements, key=lambda st: st.member_id)
    ]
    data = json.dumps([run.id, str(run.period_start), str(run.period_end), rows], separators=(",", ":"))
    return hashlib.sha256(data.encode()).hexdigest()


# What a run that is gone, or already finalised, cannot be, by what the coordinator was doing.
_GONE = {
    "finalise": N_("This draft pay run was deleted a moment ago, so it cannot be finalised again."),
    "delete": N_("This draft pay run was deleted a moment ago, so it cannot be deleted."),
}
_FINAL = {
    "finalise": N_("This pay run has been finalised, so it cannot be finalised again."),
    "delete": N_("This pay run has been finalised, so it cannot be deleted."),
}


def _locked_run(session: Session, run_id: int, doing: str) -> PayRun:
    run = lock(session, PayRun, run_id)
    if run is None:
        raise DomainError(_(_GONE[doing]))
    if run.status == PayRunStatus.FINALISED:
        raise DomainError(_(_FINAL[doing]))
    session.refresh(run, ["statements"])
    return run


def finalise(
    session: Session,
    run_id: int,
    *,
    actor_id: int,
    seen: str | None = None,
    now: datetime | None = None,
) -> None:
    """Fix a draft run for good (members then see their statements). With `seen` (the run's
    fingerprint when the coordinator looked at it), a run rebuilt since is not finalised."""
    with write_transaction(session):
        run = _locked_run(session, run_id, "finalise")
        if not run.statements:
            raise DomainError(_("There is nothing to pay in this run."))
        frozen = fingerprint(run)
        if seen is not None and seen != frozen:
            raise DomainError(
                _(
                    "This pay run was rebuilt after you opened it, so its figures have changed. "
                    "Check them below, then finalise."
                )
            )
        run.status = PayRunStatus.FINALISED
        run.finalised_at = now or utcnow()
        run.finalised_by_id = actor_id
        run.frozen_sha256 = frozen
        record(
            session,
            actor_id,
            "payrun.finalise",
            ("pay_run", run.id),
            {},
            {
                "period": f"{run.period_start}..{run.period_end}",
                "statements": len(run.statements),
                "total_pence": sum(s.total_pence for s in run.statements),
            },
        )


def delete_draft(session: Session, run_id: int, *, actor_id: int | None = None) -> None:
    """Delete a draft run: its work is unpaid again, for the next run."""
    with write_transaction(session):
        run = _locked_run(session, run_id, "delete")
        record(
            session,
            actor_id,
            "payrun.delete_draft",
            ("pay_run", run.id),
            {},
            {"period": f"{run.period_start}..{run.period_end}"},
        )
        session.delete(run)


def get_run(session: Session, run_id: int) -> PayRun:
    return found(session, PayRun, run_id, "No such pay run.")


def list_runs(session: Session) -> list[PayRun]:
    return list(session.scalars(select(PayRun).order_by(PayRun.period_end.desc()).limit(100)))


def get_statement(session: Session, statement_id: int, *, member_id: int | None = None) -> PayStatement:
    """A statement; with member_id, another member's is NotFound. Drafts are not shown to members."""
    st = session.get(PayStatement, statement_id)
    if st is None or (
        member_id is not None and (st.member_id != member_id or st.pay_run.status != PayRunStatus.FINALISED)
    ):
        raise NotFound("No such pay statement.")
    return st


def export_payroll(session: Session, run_id: int, *, actor_id: int) -> tuple[PayRun, str]:
    """The payroll provider's file for a run, its download audit-logged (pay leaving the system)."""
    run = get_run(session, run_id)
    body = payroll_csv(run)
    with write_transaction(session):
        record(session, actor_id, "export.payroll_csv", ("pay_run", run.id))
    return run, body


def payroll_csv(run: PayRun) -> str:
    """One row per member for the payroll provider. Amounts in pounds with two decimals."""
    rows: list[list[object]] = [
        [
            "Member ID",
            "Name",
            "Email",
            "Period start",
            "Period end",
            "Pay date",
            "Hours",
            "Basic pay",
            "Holiday pay",
            "Adjustments",
            "Gross pay",
            "Expenses (not taxable)",
            "Total",
        ]
    ]
    for st in run.statements:
        by_kind: dict[str, int] = defaultdict(int)
        for line in st.lines:
            by_kind[line.kind] += line.amount_pence
        rows.append(
            [
                st.member_id,
                st.member.display_name,
                st.member.user.email,
                run.period_start.isoformat(),
                run.period_end.isoformat(),
                run.pay_date.isoformat(),
                f"{st.minutes / 60:.2f}",
                *(plain_pounds(by_kind[k]) for k in ("work", "holiday", "adjustment")),
                plain_pounds(st.earnings_pence),
                plain_pounds(st.expenses_pence),
                plain_pounds(st.total_pence),
            ]
        )
    return csv_text(rows)


def run_totals(session: Session, run: PayRun) -> tuple[int, int]:
    total = (
        session.scalar(
            select(func.coalesce(func.sum(PayStatement.total_pence), 0)).where(
                PayStatement.pay_run_id == run.id
            )
        )
        or 0
    )
    return len(run.statements), total
