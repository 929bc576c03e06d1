"""The demo co-op's community: proposals and a decision, a skill-sharing session, the directory,
Chris's limit and offer, his work record and reference, a client's change request and note, and
people who asked about joining."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.bookings import changes
from coop.bookings.models import (
    Shift,
    ShiftStatus,
)
from coop.bookings.service import client_for_user
from coop.db import write_transaction
from coop.directory.models import DirectoryEntry
from coop.enquiries.models import (
    Enquiry,
    EnquiryChannel,
    EnquiryNote,
    EnquirySource,
    EnquiryStatus,
    NoteKind,
)
from coop.governance import service as governance
from coop.limits import service as limits
from coop.members.models import Member, MemberStatus, Skill
from coop.notify import choices
from coop.notify.models import NotifyChannel, NotifyKind
from coop.onward import opportunities
from coop.onward import service as records
from coop.rota import offers
from coop.rota import service as rota
from coop.rota.autofill import Proposal
from coop.skillshare import service as skillshare
from coop.timeutil import local_span_to_utc, today_london, utcnow


def onward(session: Session, coordinator_id: int) -> None:
    """Chris has a reference he approved, a work record, and a job he is interested in."""

    chris = session.scalars(select(Member).where(Member.display_name == "Chris Taylor")).one()
    ref = records.propose_reference(
        session,
        chris.id,
        "Chris is reliable, calm with the public and good at explaining what he is doing.",
        actor_id=coordinator_id,
    )
    records.decide_reference(session, chris, ref.id, approve=True)
    records.make_record(session, chris, {"time", "kinds", "sectors", "reference"}, name_as="neutral")
    job = session.scalars(select(DirectoryEntry).where(DirectoryEntry.category == "job")).first()
    if job is not None:
        interest = opportunities.interested(session, chris, job.id)
        opportunities.ask_for_help(
            session, chris, interest.id, "Could someone help me with the application form?"
        )


def client_voice(session: Session, client_user_id: int) -> None:
    """The demo client said how a visit last week went, and asks to change a coming one."""

    client = client_for_user(session, client_user_id)
    if client is None:
        return
    now = utcnow()
    mine = select(Shift).where(Shift.client_id == client.id, Shift.status == ShiftStatus.SCHEDULED)
    past = session.scalars(mine.where(Shift.ends_at < now).order_by(Shift.starts_at.desc())).first()
    if past is not None:
        changes.note_visit(
            session,
            client.id,
            past.id,
            "Everything was spotless and the team were friendly with our customers. Thank you!",
            actor_id=client_user_id,
        )
    coming = session.scalars(mine.where(Shift.starts_at > now).order_by(Shift.starts_at)).first()
    if coming is not None:
        now_as = changes.current(coming)
        changes.ask_change(
            session,
            client.id,
            coming.id,
            changes.Wanted(
                now_as.day,
                now_as.start_time,
                now_as.end_time,
                now_as.slots + 1,
                "We have a delivery that day.",
            ),
            actor_id=client_user_id,
        )


def chris_limit_and_offer(session: Session) -> None:
    """The demo member keeps to an ESA-style weekly limit and has one piece of work offered."""

    chris = session.scalars(select(Member).where(Member.display_name == "Chris Taylor")).one()
    limits.set_limit(
        session, chris, limits.preset_data(session, "esa"), actor_id=chris.user_id, by_coordinator=False
    )
    soon = [
        o
        for o in rota.open_shifts_for(session, chris)
        if o.fit.fits and o.shift.starts_at > utcnow() + timedelta(days=2)
    ]
    if soon:
        offers.queue_offers(session, [Proposal(soon[0].shift.id, chris.id)])


def community(session: Session, skills: dict[str, Skill]) -> None:
    """An open proposal, a decision, a skill-sharing session and a few directory entries."""

    today = today_london()
    chris = session.scalars(select(Member).where(Member.display_name == "Chris Taylor")).one()
    jo = session.scalars(select(Member).where(Member.display_name == "Jo Fletcher")).one()
    open_one = governance.create_proposal(
        session,
        jo,
        governance.ProposalData(
            title="Meet on Saturdays once a month",
            text="Several members work weekdays. Let's hold one members' meeting a month on a Saturday.",
            closes_on=today + timedelta(days=5),
        ),
        today=today,
    )
    others = session.scalars(select(Member).where(Member.status == MemberStatus.ACTIVE).limit(6)).all()
    for m in others:
        governance.cast_vote(session, m, open_one.id, "for")
    governance.add_comment(session, chris, open_one.id, "Yes please. Saturday mornings suit me best.")
    governance.add_comment(session, others[-1], open_one.id, "Could we try the library room? It has a ramp.")
    past = governance.create_proposal(
        session,
        chris,
        governance.ProposalData(
            title="Pay for travel to interview panels",
            text="Travel to panels is paid as an expense.",
            closes_on=today + timedelta(days=1),
        ),
        today=today,
    )
    for m in session.scalars(select(Member).where(Member.status != MemberStatus.LEFT).limit(12)).all():
        governance.cast_vote(session, m, past.id, "for")

    governance.close(session, past.id, now=utcnow() + timedelta(days=2))
    governance.record_decision(
        session,
        past.id,
        "From next month, bus and train fares to interview panels are paid back as expenses.",
        user_id=chris.user_id,
        is_coordinator=False,
    )
    starts, ends = local_span_to_utc(today + timedelta(days=9), time(14), time(16))
    lesson = skillshare.offer_session(
        session,
        chris,
        skillshare.SessionData(
            skills["Gardening"].id,
            "Pruning and planting for beginners",
            "Bring gloves if you have them.",
            "Riverside Community Centre garden",
            starts,
            ends,
            6,
        ),
    )
    for m in session.scalars(
        select(Member).where(Member.status == MemberStatus.ACTIVE, Member.id != chris.id).limit(3)
    ).all():
        skillshare.sign_up(session, m, lesson.id)
    entries = [
        (
            "course",
            "Anytown College: English and maths",
            "Free adult courses, day and evening.",
            "01234 567890, courses@anytown.example",
            "Mon-Thu 9am-8pm",
            "Step-free; hearing loop",
            120,
        ),
        (
            "volunteering",
            "Riverside Food Bank",
            "Sorting and giving out food; training given.",
            "Call Sam on 01234 555111",
            "Tue and Fri mornings",
            "Ground floor; quiet room on request",
            90,
        ),
        (
            "job_club",
            "Thursday Job Club at the Library",
            "Help with CVs, applications and interviews.",
            "Just drop in",
            "Thursdays 10am-12pm",
            "Step-free; BSL interpreter monthly",
            60,
        ),
        (
            "job",
            "Library assistant (part time, 12 hours a week)",
            "Anytown Libraries are hiring. Flexible hours; they welcome people coming back to work.",
            "jobs@anytown-libraries.example",
            "Apply by the end of the month",
            "Step-free; adjustments at interview on request",
            45,
        ),
        (
            "advice",
            "Anytown Welfare Rights",
            "Free advice on benefits and working, including Permitted Work.",
            "0800 000 111 (free)",
            "Mon-Fri 9am-5pm",
            "Phone, video or face to face",
            -10,
        ),
    ]
    with write_transaction(session):
        for category, name, desc, contact, hours, access, days in entries:
            session.add(
                DirectoryEntry(
                    category=category,
                    name=name,
                    description=desc,
                    contact=contact,
                    hours=hours,
                    accessibility=access,
                    review_date=today + timedelta(days=days),
                )
            )


def enquiries(session: Session, coordinator_id: int) -> None:
    """People who asked about working with the co-op: from a ward and a GP surgery by the web form
    (one waiting longer than it should), a call Jo took, and one pointed to a course."""

    now = utcnow()
    course = session.scalars(select(DirectoryEntry).where(DirectoryEntry.category == "course")).first()
    with write_transaction(session):
        rows = [
            Enquiry(
                channel=EnquiryChannel.WEB,
                name="Robin",
                email="robin@example.org",
                heard_from=EnquirySource.WARD,
                good_time="Weekday mornings",
                work_interests="Gardening, maybe cooking",
                would_help="Starting with short shifts",
                created_at=now - timedelta(days=9),
            ),
            Enquiry(
                channel=EnquiryChannel.WEB,
                name="Sunita",
                phone="07700 900456",
                heard_from=EnquirySource.GP,
                work_interests="Office work",
                created_at=now - timedelta(days=1),
            ),
            Enquiry(
                channel=EnquiryChannel.PHONE,
                name="Dev",
                phone="07700 900789",
                heard_from=EnquirySource.DAY_CENTRE,
                good_time="After 2pm",
                work_interests="The helpline itself",
                taken_by_id=coordinator_id,
                assigned_to_id=coordinator_id,
                status=EnquiryStatus.CONTACTED,
                created_at=now - timedelta(days=3),
                contacted_at=now - timedelta(days=3),
            ),
        ]
        if course is not None:
            rows.append(
                Enquiry(
                    channel=EnquiryChannel.WEB,
                    name="Kit",
                    email="kit@example.org",
                    heard_from=EnquirySource.COLLEGE,
                    work_interests="Catering",
                    status=EnquiryStatus.POINTED,
                    entry_id=course.id,
                    created_at=now - timedelta(days=20),
                    contacted_at=now - timedelta(days=18),
                    ended_at=now - timedelta(days=18),
                )
            )
        session.add_all(rows)
        session.flush()
        session.add(
            EnquiryNote(
                enquiry_id=rows[2].id,
                author_id=coordinator_id,
                kind=NoteKind.CALL,
                body="Dev would like to try a helpline shift. I said we would call back on Friday.",
            )
        )


def notification_choices(session: Session) -> None:
    """Chris hears about offers by email and push, and reminders by push, quiet from 21:00 to
    8:00; Jo, who coordinates, is told about shifts needing cover both ways."""

    chris = session.scalars(select(Member).where(Member.display_name == "Chris Taylor")).one()
    jo = session.scalars(select(Member).where(Member.display_name == "Jo Fletcher")).one()
    choices.save(
        session,
        chris.user_id,
        choices.Choices(
            {NotifyKind.OFFERS: NotifyChannel.BOTH, NotifyKind.REMINDERS: NotifyChannel.PUSH},
            time(21, 0),
            time(8, 0),
        ),
    )
    choices.save(session, jo.user_id, choices.Choices({NotifyKind.COVER_ALERTS: NotifyChannel.BOTH}))
