"""Skill sharing: a member teaches a skill; others sign up (atomic capacity, then a waiting
list); the teacher marks who attended, which can add the skill to their profile (and so make
them eligible for more shifts). The co-op can decide to pay the teaching time as a service."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from coop.bookings import service as bookings
from coop.bookings.models import Client
from coop.db import found, lock, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.mail import service as mail
from coop.members.models import Member, MemberStatus, Skill
from coop.rota import service as rota
from coop.skillshare.models import SignUp, SignUpStatus, SkillSession
from coop.timeutil import to_london, utcnow


@dataclass
class SessionData:
    skill_id: int
    title: str
    description: str
    place: str
    starts_at: datetime
    ends_at: datetime
    capacity: int


def offer_session(
    session: Session, teacher: Member, data: SessionData, *, now: datetime | None = None
) -> SkillSession:
    now = now or utcnow()
    skill = session.get(Skill, data.skill_id)
    if skill is None:
        raise DomainError(_("Choose a skill."), field="skill_id")
    if skill not in teacher.skills:
        raise DomainError(_("You can teach skills that are on your profile."), field="skill_id")
    if not data.title.strip() or not data.place.strip():
        raise DomainError(_("Give the session a title and a place."), field="title")
    if data.starts_at <= now:
        raise DomainError(_("Choose a time in the future."), field="day")
    if not timedelta(minutes=15) <= data.ends_at - data.starts_at <= timedelta(hours=8):
        raise DomainError(_("A session runs between 15 minutes and 8 hours."), field="end_time")
    if not 1 <= data.capacity <= 200:
        raise DomainError(_("Between 1 and 200 places."), field="capacity")
    with write_transaction(session):
        s = SkillSession(
            teacher_id=teacher.id,
            skill_id=skill.id,
            title=data.title.strip()[:200],
            description=data.description.strip()[:2000],
            place=data.place.strip()[:200],
            starts_at=data.starts_at,
            ends_at=data.ends_at,
            capacity=data.capacity,
        )
        session.add(s)
    return s


def get_session(session: Session, session_id: int) -> SkillSession:
    return found(session, SkillSession, session_id, _("No such session."))


def upcoming(session: Session, *, now: datetime | None = None) -> list[SkillSession]:
    now = now or utcnow()
    return list(
        session.scalars(
            select(SkillSession)
            .where(SkillSession.starts_at > now, SkillSession.cancelled.is_(False))
            .order_by(SkillSession.starts_at)
        )
    )


def sign_ups(session: Session, session_id: int) -> list[SignUp]:
    return list(
        session.scalars(
            select(SignUp)
            .where(SignUp.session_id == session_id, SignUp.status != SignUpStatus.CANCELLED)
            .order_by(SignUp.status, SignUp.created_at, SignUp.id)
        )
    )


def my_sign_up(session: Session, member: Member, session_id: int) -> SignUp | None:
    return session.scalar(
        select(SignUp).where(SignUp.session_id == session_id, SignUp.member_id == member.id)
    )


def sign_up(session: Session, member: Member, session_id: int, *, now: datetime | None = None) -> SignUp:
    """Take a place if one is free (a conditional update, so parallel sign-ups never overbook),
    else join the waiting list."""
    now = now or utcnow()
    if member.status == MemberStatus.LEFT:
        raise DomainError(_("Only current members can sign up."))
    with write_transaction(session):
        s = lock(session, SkillSession, session_id)
        if s is None or s.cancelled:
            raise NotFound(_("No such session."))
        if s.starts_at <= now:
            raise DomainError(_("This session has already started."))
        if s.teacher_id == member.id:
            raise DomainError(_("You are teaching this one."))
        existing = session.scalar(
            select(SignUp).where(SignUp.session_id == session_id, SignUp.member_id == member.id)
        )
        if existing is not None and existing.status != SignUpStatus.CANCELLED:
            return existing
        took = session.execute(
            update(SkillSession)
            .where(SkillSession.id == session_id, SkillSession.booked < SkillSession.capacity)
            .values(booked=SkillSession.booked + 1)
            .execution_options(synchronize_session=False)
        ).rowcount  # type: ignore[attr-defined]
        status = "booked" if took == 1 else "waiting"
        if existing is None:
            existing = SignUp(session_id=session_id, member_id=member.id, status=status)
            session.add(existing)
        else:
            existing.status, existing.created_at = status, now
        session.flush()
    return existing


def cancel_sign_up(session: Session, member: Member, session_id: int) -> None:
    """Give up a place; the first person waiting gets it (and an email)."""
    with write_transaction(session):
        s = lock(session, SkillSession, session_id)
        mine = session.scalar(
            select(SignUp).where(SignUp.session_id == session_id, SignUp.member_id == member.id)
        )
        if s is None or mine is None or mine.status == SignUpStatus.CANCELLED:
            raise NotFound(_("You are not signed up for this."))
        _give_up(session, s, mine)


def give_up_places_within(session: Session, member_id: int, *, now: datetime) -> int:
    """Inside write_transaction: the member gives up every place in a session still to come (as
    cancel_sign_up, each session locked), for a member leaving for good. Returns how many."""
    mine = list(
        session.scalars(
            select(SignUp)
            .join(SkillSession, SkillSession.id == SignUp.session_id)
            .where(
                SignUp.member_id == member_id,
                SignUp.status != SignUpStatus.CANCELLED,
                SkillSession.starts_at > now,
            )
            .order_by(SignUp.session_id)
        )
    )
    for place in mine:
        s = lock(session, SkillSession, place.session_id)
        assert s is not None
        _give_up(session, s, place)
    return len(mine)


def _give_up(session: Session, s: SkillSession, mine: SignUp) -> None:
    was_booked = mine.status == SignUpStatus.BOOKED
    mine.status = SignUpStatus.CANCELLED
    if was_booked:
        waiting = session.scalar(
            select(SignUp)
            .where(SignUp.session_id == s.id, SignUp.status == SignUpStatus.WAITING)
            .order_by(SignUp.created_at, SignUp.id)
            .limit(1)
        )
        if waiting is not None:
            waiting.status = SignUpStatus.BOOKED
            mail.tell_member(
                session,
                waiting.member,
                "skill_place_free",
                s=s,
            )
        else:
            s.booked -= 1


def mark_attendance(
    session: Session,
    teacher: Member,
    session_id: int,
    attended_ids: Sequence[int],
    *,
    add_skill: bool,
    now: datetime | None = None,
) -> int:
    """The teacher says who came. With add_skill, the skill goes on each attendee's profile.
    Returns how many attended."""
    now = now or utcnow()
    attended = set(attended_ids)
    with write_transaction(session):
        # The attendees first (members before anything else, as in every claim), since their
        # skills change; then the session, so two saves of the register are taken in turn.
        booked = select(SignUp.member_id).where(
            SignUp.session_id == session_id, SignUp.status == SignUpStatus.BOOKED
        )
        for member_id in sorted(set(session.scalars(booked)) & attended):
            rota.lock_member(session, member_id)
        s = lock(session, SkillSession, session_id)
        if s is None or s.teacher_id != teacher.id:
            raise NotFound(_("No such session of yours."))
        if s.starts_at > now:
            raise DomainError(_("You can mark who came once the session has started."))
        count = 0
        for signup in sign_ups(session, session_id):
            if signup.status != SignUpStatus.BOOKED:
                continue
            signup.attended = signup.member_id in attended
            if signup.attended:
                count += 1
                if add_skill and s.skill not in signup.member.skills:
                    signup.member.skills.append(s.skill)
    return count


def pay_teaching(
    session: Session, session_id: int, *, service_id: int, client_id: int, actor_id: int
) -> None:
    """The co-op decides to pay the teaching time: a confirmed booking, and the teacher asked to
    take it as paid work, under the same rules and limits as any other shift. One transaction:
    if the teacher cannot be asked (a skill the service needs, their limit...), nothing is stored
    and nobody is emailed."""

    teacher_id = get_session(session, session_id).teacher_id
    with write_transaction(session):
        rota.lock_member(session, teacher_id)  # members first, as in every claim
        s = lock(session, SkillSession, session_id)
        if s is None:
            raise NotFound(_("No such session."))
        if s.paid_shift_id is not None:
            raise DomainError(_("The teaching time is already paid."))
        client = session.get(Client, client_id)
        if client is None:
            raise DomainError(_("Choose a client."), field="client_id")
        start, end = to_london(s.starts_at), to_london(s.ends_at)
        booking = bookings.book_within(
            session,
            client,
            bookings.BookingData(
                service_id=service_id,
                site_address=s.place,
                start_date=start.date(),
                start_time=start.time(),
                end_time=end.time(),
                workers=1,
                notes=f"Teaching: {s.title}",
            ),
            actor_id=actor_id,
        )
        shift = booking.shifts[0]
        s.paid_shift_id = shift.id  # first: the shift that pays for the teaching is no clash with it
        session.flush()
        rota.ask_within(session, s.teacher_id, shift.id, now=utcnow())
