"""Setting a limit (by the member, or by a coordinator at their request), with presets for the
common benefits; the audit log records that it changed, never the figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.audit.models import AuditEntry
from coop.audit.service import record
from coop.caps.limit import cap_for
from coop.caps.models import BenefitCap, CapMode, CapPeriod, CountBy, Preset
from coop.db import lock, write_transaction
from coop.errors import DomainError
from coop.i18n import gettext as _
from coop.mail import service as mail
from coop.members.models import Member
from coop.settings import service as settings
from coop.settings.keys import K
from coop.timeutil import utcnow

PRESETS = tuple(p.value for p in Preset if p)


@dataclass
class CapData:
    earnings_cap_pence: int | None
    hours_cap_minutes: int | None
    period: str = CapPeriod.WEEKLY
    period_start_day: int = 1
    mode: str = CapMode.BLOCK
    count_by: str = CountBy.WORKED
    preset: str = Preset.NONE
    week_start_day: int = 0


def preset_data(session: Session, preset: str, *, start_day: int = 1, week_start_day: int = 0) -> CapData:
    """One-click limits from the co-op's reference figures (settings with effective dates)."""
    if preset == Preset.ESA:
        hours = settings.get(session, K.ESA_WEEKLY_HOURS_LIMIT)
        return CapData(
            settings.get(session, K.ESA_WEEKLY_EARNINGS_LIMIT_PENCE),
            hours * 60 - 1,
            preset=Preset.ESA,
            week_start_day=week_start_day,
        )
    if preset == Preset.CARERS:
        return CapData(
            settings.get(session, K.CARERS_WEEKLY_EARNINGS_LIMIT_PENCE),
            None,
            preset=Preset.CARERS,
            week_start_day=week_start_day,
        )
    if preset in (Preset.UC, Preset.UC_NO_HOUSING):
        key = K.UC_WORK_ALLOWANCE_PENCE if preset == Preset.UC else K.UC_WORK_ALLOWANCE_NO_HOUSING_PENCE
        return CapData(
            settings.get(session, key),
            None,
            period=CapPeriod.MONTHLY,
            period_start_day=start_day,
            mode=CapMode.WARN,
            count_by=CountBy.PAID,
            preset=Preset(preset),
        )
    raise DomainError(_("Choose one of the limits listed."), field="preset")


def validate(data: CapData) -> None:
    if data.earnings_cap_pence is None and data.hours_cap_minutes is None:
        raise DomainError(_("Set an earnings limit, an hours limit, or both."), field="earnings_cap")
    if data.earnings_cap_pence is not None and not 0 <= data.earnings_cap_pence <= 1_000_000:
        raise DomainError(_("Enter an earnings limit between £0 and £10,000."), field="earnings_cap")
    if data.hours_cap_minutes is not None and not 0 <= data.hours_cap_minutes <= 7 * 24 * 60:
        raise DomainError(_("Enter an hours limit between 0 and 168 hours."), field="hours_cap")
    if data.period not in (CapPeriod.WEEKLY, CapPeriod.MONTHLY):
        raise DomainError(_("Choose weekly or monthly."), field="period")
    if not 1 <= data.period_start_day <= 31:
        raise DomainError(_("The period must start on a day from 1 to 31."), field="period_start_day")
    if not 0 <= data.week_start_day <= 6:
        raise DomainError(_("Choose the day your benefit week starts."), field="week_start_day")
    if data.mode not in (CapMode.BLOCK, CapMode.WARN):
        raise DomainError(_("Choose what should happen at the limit."), field="mode")
    if data.count_by not in (CountBy.WORKED, CountBy.PAID) or (
        data.count_by == CountBy.PAID and data.period != CapPeriod.MONTHLY
    ):
        raise DomainError(_("Counting by pay date works with monthly periods only."), field="count_by")


def set_cap(
    session: Session, member: Member, data: CapData, *, actor_id: int, by_coordinator: bool
) -> BenefitCap:
    """Save the member's limit. A coordinator may do it at the member's request: the audit log
    records who changed it and when, never the figures or the benefit, and the member is told."""
    validate(data)
    member_id = member.id
    with write_transaction(session):
        member = lock(session, Member, member_id)  # type: ignore[assignment]
        if member is None:
            raise DomainError(_("No such member."))
        cap = cap_for(session, member.id)
        if cap is None:
            cap = BenefitCap(member_id=member.id)
            session.add(cap)
        cap.earnings_cap_pence = data.earnings_cap_pence
        cap.hours_cap_minutes = data.hours_cap_minutes
        cap.period = data.period
        cap.period_start_day = data.period_start_day if data.period == CapPeriod.MONTHLY else 1
        cap.week_start_day = data.week_start_day if data.period == CapPeriod.WEEKLY else 0
        cap.mode = data.mode
        cap.count_by = data.count_by
        cap.preset = data.preset
        cap.updated_at = utcnow()
        if by_coordinator:
            _changed_by_coordinator(session, member, actor_id, "cap.set_by_coordinator")
    return cap


def remove_cap(session: Session, member: Member, *, actor_id: int, by_coordinator: bool) -> None:
    member_id = member.id
    with write_transaction(session):
        member = lock(session, Member, member_id)  # type: ignore[assignment]
        cap = cap_for(session, member_id)
        if cap is None or member is None:
            return
        if by_coordinator:
            _changed_by_coordinator(session, member, actor_id, "cap.removed_by_coordinator")
        session.delete(cap)


CAP_ACTIONS = ("cap.set_by_coordinator", "cap.removed_by_coordinator")


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
            AuditEntry.action.in_(CAP_ACTIONS),
            AuditEntry.object_type == "member",
            AuditEntry.object_id == str(member_id),
        )
        .order_by(AuditEntry.id.desc())
        .limit(1)
    ).first()
    if row is None:
        return None
    at, action, name = row
    return CoordinatorChange(at, name or _("a coordinator"), action == CAP_ACTIONS[1])
