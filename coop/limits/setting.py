"""Setting a limit (by the member, or by a coordinator at their request), with presets for the
common benefits; the audit log records that it changed, never the figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.audit.models import AuditEntry
from coop.audit.service import record
from coop.db import lock, write_transaction
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.limits.limit import limit_for
from coop.limits.models import BenefitLimit, CountBy, LimitMode, LimitPeriod, Preset
from coop.mail import service as mail
from coop.members.models import Member
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import utcnow

PRESETS = tuple(p.value for p in Preset if p)


@dataclass
class LimitData:
    earnings_limit_pence: int | None
    hours_limit_minutes: int | None
    period: str = LimitPeriod.WEEKLY
    period_start_day: int = 1
    mode: str = LimitMode.BLOCK
    count_by: str = CountBy.WORKED
    preset: str = Preset.NONE
    week_start_day: int = 0


def preset_data(session: Session, preset: str, *, start_day: int = 1, week_start_day: int = 0) -> LimitData:
    """One-click limits from the co-op's reference figures (settings with effective dates)."""
    if preset == Preset.ESA:
        hours = settings.get(session, K.ESA_WEEKLY_HOURS_LIMIT)
        return LimitData(
            settings.get(session, K.ESA_WEEKLY_EARNINGS_LIMIT_PENCE),
            hours * 60 - 1,
            preset=Preset.ESA,
            week_start_day=week_start_day,
        )
    if preset == Preset.CARERS:
        return LimitData(
            settings.get(session, K.CARERS_WEEKLY_EARNINGS_LIMIT_PENCE),
            None,
            preset=Preset.CARERS,
            week_start_day=week_start_day,
        )
    if preset in (Preset.UC, Preset.UC_NO_HOUSING):
        key = K.UC_WORK_ALLOWANCE_PENCE if preset == Preset.UC else K.UC_WORK_ALLOWANCE_NO_HOUSING_PENCE
        return LimitData(
            settings.get(session, key),
            None,
            period=LimitPeriod.MONTHLY,
            period_start_day=start_day,
            mode=LimitMode.WARN,
            count_by=CountBy.PAID,
            preset=Preset(preset),
        )
    raise DomainError(_("Choose one of the limits listed."), field="preset")


def validate(data: LimitData) -> None:
    if data.earnings_limit_pence is None and data.hours_limit_minutes is None:
        raise DomainError(_("Set an earnings limit, an hours limit, or both."), field="earnings_limit")
    if data.earnings_limit_pence is not None and not 0 <= data.earnings_limit_pence <= 1_000_000:
        raise DomainError(_("Enter an earnings limit between £0 and £10,000."), field="earnings_limit")
    if data.hours_limit_minutes is not None and not 0 <= data.hours_limit_minutes <= 7 * 24 * 60:
        raise DomainError(_("Enter an hours limit between 0 and 168 hours."), field="hours_limit")
    if data.period not in (LimitPeriod.WEEKLY, LimitPeriod.MONTHLY):
        raise DomainError(_("Choose weekly or monthly."), field="period")
    if not 1 <= data.period_start_day <= 31:
        raise DomainError(_("The period must start on a day from 1 to 31."), field="period_start_day")
    if not 0 <= data.week_start_day <= 6:
        raise DomainError(_("Choose the day your benefit week starts."), field="week_start_day")
    if data.mode not in (LimitMode.BLOCK, LimitMode.WARN):
        raise DomainError(_("Choose what should happen at the limit."), field="mode")
    if data.count_by not in (CountBy.WORKED, CountBy.PAID) or (
        data.count_by == CountBy.PAID and data.period != LimitPeriod.MONTHLY
    ):
        raise DomainError(_("Counting by pay date works with monthly periods only."), field="count_by")


def set_limit(
    session: Session, member: Member, data: LimitData, *, actor_id: int, by_coordinator: bool
) -> BenefitLimit:
    """Save the member's limit. A coordinator may do it at the member's request: the audit log
    records who changed it and when, never the figures or the benefit, and the member is told."""
    validate(data)
    member_id = member.id
    with write_transaction(session):
        member = lock(session, Member, member_id)  # type: ignore[assignment]
        if member is None:
            raise DomainError(_("No such member."))
        limit = limit_for(session, member.id)
        if limit is None:
            limit = BenefitLimit(member_id=member.id)
            session.add(limit)
        limit.earnings_limit_pence = data.earnings_limit_pence
        limit.hours_limit_minutes = data.hours_limit_minutes
        limit.period = data.period
        limit.period_start_day = data.period_start_day if data.period == LimitPeriod.MONTHLY else 1
        limit.week_start_day = data.week_start_day if data.period == LimitPeriod.WEEKLY else 0
        limit.mode = data.mode
        limit.count_by = data.count_by
        limit.preset = data.preset
        limit.updated_at = utcnow()
        if by_coordinator:
            _changed_by_coordinator(session, member, actor_id, "cap.set_by_coordinator")
    return limit


def remove_limit(session: Session, member: Member, *, actor_id: int, by_coordinator: bool) -> None:
    member_id = member.id
    with write_transaction(session):
        member = lock(session, Member, member_id)  # type: ignore[assignment]
        limit = limit_for(session, member_id)
        if limit is None or member is None:
            return
        if by_coordinator:
            _changed_by_coordinator(session, member, actor_id, "cap.removed_by_coordinator")
        session.delete(limit)


LIMIT_ACTIONS = ("cap.set_by_coordinator", "cap.removed_by_coordinator")


def _changed_by_coordinator(session: Session, member: Member, actor_id: int, action: str) -> None:
    """That, who and when: never the figures or the benefit (the audit log is open to every
    coordinator). The member is told at once, and sees it on their limit and earnings pages."""

    record(session, actor_id, action, ("member", member.id))
    mail.tell_member(
        session,
        member,
        "limit_changed",
        removed=action.startswith("cap.removed"),
    )


@dataclass(frozen=True)
class CoordinatorChange:
    at: datetime
    by: str
    removed: bool


def last_coordinator_change(session: Session, member_id: int) -> CoordinatorChange | None:
    """The latest time a coordinator set or removed this member's limit (for the member's eyes)."""

    row = session.execute(
        select(AuditEntry.at, AuditEntry.action, Member.display_name)
        .outerjoin(Member, Member.user_id == AuditEntry.actor_id)
        .where(
            AuditEntry.action.in_(LIMIT_ACTIONS),
            AuditEntry.object_type == "member",
            AuditEntry.object_id == str(member_id),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    at, action, name = row
    return CoordinatorChange(at, name or _("a coordinator"), action == LIMIT_ACTIONS[1])
