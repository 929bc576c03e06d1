"""The demo's cover story: a coming visit of the demo client short of one person, its search
under way (Chris asked, one member said no), the client told; and closed cases in earlier months,
so the cover figures have something to show. No case records who let a place go."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.bookings.models import Shift, ShiftStatus
from coop.bookings.service import client_for_user
from coop.cover.models import CaseStatus, CoverCase, CoverOffer, CoverOfferStatus
from coop.db import write_transaction
from coop.members.models import Member, MemberStatus
from coop.timeutil import utcnow

# (days ago the case opened, minutes it took, how it ended, client told first)
PAST = [
    (40, 35, CaseStatus.COVERED, False),
    (42, 50, CaseStatus.COVERED, False),
    (45, 20, CaseStatus.COVERED, False),
    (47, 90, CaseStatus.COVERED, False),
    (50, 15, CaseStatus.COVERED, False),
    (52, 240, CaseStatus.COVERED, True),
    (55, 300, CaseStatus.UNCOVERED, True),
    (12, 25, CaseStatus.COVERED, False),
    (15, 45, CaseStatus.COVERED, False),
    (18, 60, CaseStatus.COVERED, False),
    (20, 30, CaseStatus.COVERED, False),
    (22, 75, CaseStatus.COVERED, False),
    (25, 180, CaseStatus.UNCOVERED, True),
]


def cover_story(session: Session, client_user_id: int) -> None:
    now = utcnow()
    client = client_for_user(session, client_user_id)
    chris = session.scalars(select(Member).where(Member.display_name == "Chris Taylor")).one()
    with write_transaction(session):
        past_shifts = list(
            session.scalars(
                select(Shift).where(Shift.ends_at < now).order_by(Shift.starts_at.desc()).limit(len(PAST))
            )
        )
        for shift, (days, minutes, status, told) in zip(past_shifts, PAST, strict=False):
            opened = now - timedelta(days=days)
            session.add(
                CoverCase(
                    shift_id=shift.id,
                    status=status,
                    opened_at=opened,
                    closed_at=opened + timedelta(minutes=minutes),
                    waves=2,
                    client_told_at=opened + timedelta(minutes=minutes - 10) if told else None,
                )
            )
        if client is None:
            return
        chris_skills = {s.id for s in chris.skills}
        coming = [
            s
            for s in session.scalars(
                select(Shift)
                .where(
                    Shift.client_id == client.id,
                    Shift.status == ShiftStatus.SCHEDULED,
                    Shift.starts_at > now + timedelta(hours=6),
                    Shift.filled < Shift.slots,
                )
                .order_by(Shift.starts_at)
            )
        ]
        fitting = [s for s in coming if s.service.skill_id in chris_skills]
        if not coming:
            return
        chosen = (fitting or coming)[0]
        case = CoverCase(
            shift_id=chosen.id,
            status=CaseStatus.OPEN,
            opened_at=now - timedelta(minutes=40),
            waves=1,
            wave_ends_at=now + timedelta(minutes=80),
            client_told_at=now - timedelta(minutes=5),
        )
        session.add(case)
        session.flush()
        said_no = session.scalars(
            select(Member)
            .where(
                Member.status == MemberStatus.ACTIVE,
                Member.id != chris.id,
                Member.display_name != "Jo Fletcher",
            )
            .order_by(Member.id)
            .limit(1)
        ).first()
        session.add(
            CoverOffer(case_id=case.id, member_id=chris.id, wave=1, sent_at=now - timedelta(minutes=40))
        )
        if said_no is not None:
            session.add(
                CoverOffer(
                    case_id=case.id,
                    member_id=said_no.id,
                    wave=1,
                    status=CoverOfferStatus.DECLINED,
                    sent_at=now - timedelta(minutes=40),
                    answered_at=now - timedelta(minutes=30),
                )
            )
