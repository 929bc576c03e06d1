"""A member's own data, all of it, as JSON (their right of access). Financial and work records
about them are included; other people's data is not."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.caps.models import BenefitCap
from coop.governance.models import ProposalComment, SurplusShare, Vote
from coop.members.models import Member
from coop.pay.models import Expense, PayAdjustment, PayStatement
from coop.rota.models import Assignment, Availability, Offer, RotaPreferences, TimeOff
from coop.skillshare.models import SignUp
from coop.timesheets.models import TimesheetEntry


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    return value


def _row(obj: Any, *fields: str) -> dict[str, Any]:
    return {f: _plain(getattr(obj, f)) for f in fields}


def member_data(session: Session, member: Member, *, actor_id: int) -> dict[str, Any]:
    """Everything the co-op holds about this member. The export is audit-logged."""

    def rows(model: Any, *fields: str) -> list[dict[str, Any]]:
        stmt = select(model).where(model.member_id == member.id).order_by(model.id)
        return [_row(o, *fields) for o in session.scalars(stmt)]

    statements = []
    for st in session.scalars(
        select(PayStatement).where(PayStatement.member_id == member.id).order_by(PayStatement.id)
    ):
        statements.append(
            {
                **_row(st, "id", "minutes", "earnings_pence", "expenses_pence", "total_pence"),
                "period_start": st.pay_run.period_start.isoformat(),
                "period_end": st.pay_run.period_end.isoformat(),
                "status": st.pay_run.status,
                "lines": [
                    _row(line, "kind", "description", "minutes", "rate_pence", "amount_pence")
                    for line in st.lines
                ],
            }
        )
    shifts = []
    for a in session.scalars(
        select(Assignment).where(Assignment.member_id == member.id).order_by(Assignment.id)
    ):
        shifts.append(
            {
                **_row(a, "id", "status", "source", "created_at", "ended_at", "chosen_pay_pence_per_hour"),
                "service": a.shift.service.name,
                "starts_at": _plain(a.shift.starts_at),
                "ends_at": _plain(a.shift.ends_at),
                "site_address": a.shift.site_address,
            }
        )
    data = {
        "exported_at": datetime.now().astimezone().isoformat(),
        "account": {
            "email": member.user.email,
            "roles": sorted(member.user.role_names),
            "created_at": _plain(member.user.created_at),
            "last_login_at": _plain(member.user.last_login_at),
        },
        "profile": {
            **_row(member, "display_name", "pronouns", "phone", "status", "created_at"),
            "skills": [s.name for s in member.skills],
        },
        "preferences": rows(RotaPreferences, "preferred_hours_week", "show_open_when_paused", "daily_digest"),
        "availability": rows(Availability, "weekday", "start_time", "end_time"),
        "time_off": rows(TimeOff, "first_day", "last_day", "note"),
        "earnings_limit": rows(
            BenefitCap,
            "earnings_cap_pence",
            "hours_cap_minutes",
            "period",
            "period_start_day",
            "week_start_day",
            "mode",
            "count_by",
            "preset",
            "updated_at",
        ),
        "shifts": shifts,
        "offers": rows(Offer, "shift_id", "status", "created_at", "expires_at", "decided_at"),
        "timesheets": rows(
            TimesheetEntry,
            "assignment_id",
            "actual_start",
            "actual_end",
            "break_minutes",
            "status",
            "query_comment",
            "member_note",
            "pay_rate_pence",
            "pay_pence",
            "holiday_pence",
        ),
        "pay_statements": statements,
        "pay_adjustments": rows(PayAdjustment, "amount_pence", "reason", "created_at"),
        "expenses": rows(
            Expense, "kind", "spent_on", "description", "amount_pence", "status", "decision_note"
        ),
        "votes": rows(Vote, "proposal_id", "choice", "updated_at"),
        "proposal_comments": rows(
            ProposalComment, "proposal_id", "body", "created_at", "edited_at", "hidden_at", "hidden_reason"
        ),
        "surplus_shares": rows(SurplusShare, "proposal_id", "minutes", "amount_pence", "status"),
        "skill_sessions": rows(SignUp, "session_id", "status", "attended", "created_at"),
    }
    record(session, actor_id, "export.member_data", ("member", member.id))
    session.commit()
    return data
