"""What actually happened on a shift: the member's (or a coordinator's) record of hours."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.datamap import ACTOR, DELETE, HMRC, Personal, declare, keep, neutral
from coop.db import Base, UTCDateTime
from coop.rota.models import Assignment
from coop.timeutil import utcnow, whole_minutes


class TimesheetStatus(StrEnum):
    SUBMITTED = "submitted"
    QUERIED = "queried"
    APPROVED = "approved"


class TimesheetEntry(Base):
    __tablename__ = "timesheet_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    actual_start: Mapped[datetime] = mapped_column(UTCDateTime)
    actual_end: Mapped[datetime] = mapped_column(UTCDateTime)
    break_minutes: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(10), default=TimesheetStatus.SUBMITTED)
    # Times far from the shift's are flagged for the coordinator, not refused.
    flagged: Mapped[bool] = mapped_column(Boolean, default=False)
    # The member said these hours are right although they take a period over their limit.
    over_limit_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    query_comment: Mapped[str] = mapped_column(Text, default="")
    member_note: Mapped[str] = mapped_column(Text, default="")
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    client_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Pay worked out when approved (pence), so later rate changes never change it.
    pay_rate_pence: Mapped[int | None] = mapped_column(Integer)
    pay_pence: Mapped[int | None] = mapped_column(Integer)
    holiday_pence: Mapped[int | None] = mapped_column(Integer)

    assignment: Mapped[Assignment] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint("actual_end > actual_start", name="ends_after_start"),
        CheckConstraint("break_minutes >= 0", name="break_non_negative"),
        CheckConstraint("status IN ('submitted', 'queried', 'approved')", name="status_known"),
        CheckConstraint(
            "status != 'approved' OR (pay_pence IS NOT NULL AND holiday_pence IS NOT NULL)",
            name="approved_has_pay",
        ),
        Index("ix_timesheet_entry_member_status", "member_id", "status"),
        Index("ix_timesheet_entry_status_start", "status", "actual_start"),  # pay by month
    )

    @property
    def worked_minutes(self) -> int:
        return worked_minutes(self.actual_start, self.actual_end, self.break_minutes)


def worked_minutes(start: datetime, end: datetime, break_minutes: int) -> int:
    """Minutes worked: from start to end, less the unpaid break."""
    return whole_minutes(start, end) - break_minutes


declare(
    TimesheetEntry,
    Personal(
        what="Hours worked on each shift, their pay, and notes about them",
        why="to pay members and invoice clients",
        kept="six years (HMRC and the client's invoices); the notes go at erasure",
        owner="member_id",
        columns={
            "member_id": keep(HMRC),
            "assignment_id": keep(HMRC),
            "query_comment": neutral(""),
            "member_note": neutral(""),
            "submitted_by_id": ACTOR,
            "approved_by_id": ACTOR,
        },
        rows=keep(HMRC),
        export=(
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
        export_as="timesheets",
    ),
)


class DayTimes(Base):
    """What a member tapped on the day of a held shift: when they arrived and when they finished.
    Only the times are kept (never where they were); they prefill the member's hours form."""

    __tablename__ = "shift_day_times"

    id: Mapped[int] = mapped_column(primary_key=True)
    assignment_id: Mapped[int] = mapped_column(ForeignKey("assignment.id"), unique=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"), index=True)
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (
        CheckConstraint(
            "arrived_at IS NULL OR finished_at IS NULL OR finished_at > arrived_at",
            name="finished_after_arrived",
        ),
        CheckConstraint("arrived_at IS NOT NULL OR finished_at IS NOT NULL", name="some_time_tapped"),
    )


declare(
    DayTimes,
    Personal(
        what="The times a member tapped 'I've arrived' and 'I've finished' on the day of a shift",
        why="to fill in their hours for them to check and send",
        kept="until erasure; the hours they send are the record",
        owner="member_id",
        columns={"member_id": keep("deleted with the row"), "assignment_id": keep("deleted with the row")},
        rows=DELETE,
        export=("assignment_id", "arrived_at", "finished_at"),
        export_as="arrived_and_finished",
    ),
)
