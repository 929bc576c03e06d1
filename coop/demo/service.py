"""A believable small co-op for trying Co-op Works out: `coop demo` (safe to run twice)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.auth import service as auth
from coop.auth.models import User
from coop.bookings import changes
from coop.bookings import service as bookings
from coop.bookings.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    Client,
    ClientContact,
    Service,
    Shift,
    ShiftStatus,
)
from coop.bookings.service import client_for_user
from coop.caps import service as caps
from coop.directory.models import DirectoryEntry
from coop.errors import DomainError
from coop.governance import service as governance
from coop.invoicing import service as invoicing
from coop.members.models import Member, MemberStatus, Skill
from coop.onward import opportunities
from coop.onward import service as records
from coop.rota import offers
from coop.rota import service as rota
from coop.rota.autofill import Proposal
from coop.rota.models import Assignment
from coop.skillshare import service as skillshare
from coop.timesheets import service as timesheets
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import local_span_to_utc, today_london, utcnow, week_start

DEMO_PASSWORD = "cooperate-together"  # noqa: S105 (demo data only, printed for people to try)
DEMO_LOGINS = {
    "password": DEMO_PASSWORD,
    "accounts": [
        ("admin", "admin@demo.coop.works"),
        ("coordinator", "coordinator@demo.coop.works"),
        ("member", "member@demo.coop.works"),
        ("client", "client@demo.coop.works"),
    ],
}

SKILLS = [
    ("Cleaning", "Office and community-space cleaning."),
    ("Gardening", "Planting, weeding, mowing and tidying outdoor spaces."),
    ("Catering", "Preparing and serving food; food hygiene level 2."),
    ("Office admin", "Filing, data entry, post and reception."),
    ("Telephone helpline", "Answering calls kindly and passing them on."),
    ("Interview panels", "Sitting on recruitment interview panels with lived experience."),
    ("Consultation", "Giving views in service design and consultation meetings."),
    ("Research interviewing", "Carrying out interviews for research studies."),
    ("Training delivery", "Co-delivering training sessions."),
]

MEMBER_NAMES = [
    ("Sam Okafor", "they/them"),
    ("Priya Shah", "she/her"),
    ("Tom Becker", "he/him"),
    ("Aisha Rahman", "she/her"),
    ("Jack Doyle", "he/him"),
    ("Mei Lin", "she/her"),
    ("Kofi Mensah", "he/him"),
    ("Rosa Garcia", "she/her"),
    ("Dan Price", ""),
    ("Hannah Wood", "she/her"),
    ("Leon Clarke", "he/him"),
    ("Yusuf Ali", "he/him"),
    ("Beth Evans", "she/her"),
    ("Ollie Grant", "they/them"),
    ("Grace Kim", "she/her"),
    ("Marek Nowak", "he/him"),
    ("Chloe Hughes", "she/her"),
    ("Ravi Patel", "he/him"),
    ("Ellie Ward", "she/her"),
    ("Nathan Bell", "he/him"),
    ("Zara Hussain", "she/her"),
    ("Ffion Jones", "she/her"),
    ("Callum Reid", "he/him"),
]


def _user(session: Session, email: str, roles: list[str]) -> User:
    user = auth.create_user(session, email, roles)
    user.password_hash = auth.hash_password(DEMO_PASSWORD)
    return user


def load_demo(
    session: Session,
    progress: Callable[[int], None] | None = None,
    *,
    render_html: Callable[[Any], str] | None = None,
    invoice_dir: Path | None = None,
    base_url: str = "http://127.0.0.1:5000",
) -> bool:
    """Load the demo co-op unless it is already there. Returns True when it created it. With a
    renderer and a folder, it also issues an invoice (so every booking state is there)."""
    step = progress or (lambda _n: None)
    if auth.find_user(session, DEMO_LOGINS["accounts"][0][1]) is not None:
        step(100)
        return False
    rng = random.Random(2026)
    skills = {name: Skill(name=name, description=desc) for name, desc in SKILLS}
    session.add_all(skills.values())

    admin = _user(session, "admin@demo.coop.works", ["admin", "coordinator"])
    coordinator = _user(session, "coordinator@demo.coop.works", ["coordinator", "member"])
    session.add(Member(user=admin, display_name="Alex Morgan", pronouns="they/them"))
    session.add(
        Member(
            user=coordinator,
            display_name="Jo Fletcher",
            pronouns="she/her",
            skills=[skills["Office admin"], skills["Telephone helpline"]],
        )
    )
    member_user = _user(session, "member@demo.coop.works", ["member"])
    session.add(
        Member(
            user=member_user,
            display_name="Chris Taylor",
            pronouns="he/him",
            phone="07700 900123",
            skills=[skills["Cleaning"], skills["Gardening"], skills["Interview panels"]],
        )
    )
    step(20)
    all_skills = list(skills.values())
    for i, (name, pronouns) in enumerate(MEMBER_NAMES):
        email = name.lower().replace(" ", ".") + "@demo.coop.works"
        user = _user(session, email, ["member"])
        status = MemberStatus.PAUSED if i % 9 == 4 else MemberStatus.ACTIVE
        session.add(
            Member(
                user=user,
                display_name=name,
                pronouns=pronouns,
                status=status,
                skills=rng.sample(all_skills, rng.randint(1, 3)),
            )
        )
    step(40)
    client_user = _user(session, "client@demo.coop.works", ["client"])
    session.flush()
    step(20)
    _load_business(session, skills, client_user, coordinator.id, rng)
    if render_html is not None and invoice_dir is not None:
        _invoiced_fortnight(session, coordinator.id, render_html, invoice_dir, base_url)
    _community(session, skills)
    _chris_limit_and_offer(session)
    _client_voice(session, client_user.id)
    _onward(session, coordinator.id)
    step(20)
    session.commit()
    return True


SERVICES = [
    # name, skill, charge/hour, pay/hour, VAT basis points, minimum minutes, description
    (
        "Office cleaning",
        "Cleaning",
        2600,
        1400,
        2000,
        120,
        "Regular or one-off cleaning of offices and shops.",
    ),
    ("Gardening", "Gardening", 2800, 1450, 2000, 120, "Weeding, mowing, planting and tidying."),
    (
        "Event catering",
        "Catering",
        3200,
        1500,
        2000,
        180,
        "Buffets and refreshments for meetings and events.",
    ),
    ("Office admin", "Office admin", 2700, 1400, 2000, 180, "Reception, filing, data entry and post."),
    (
        "Telephone helpline",
        "Telephone helpline",
        2900,
        1500,
        2000,
        240,
        "Staffing a helpline with a warm voice.",
    ),
    (
        "Interview panel member",
        "Interview panels",
        3000,
        2000,
        0,
        120,
        "Paid involvement: a panel member with lived experience for recruitment interviews.",
    ),
    (
        "Consultation work",
        "Consultation",
        3000,
        2000,
        0,
        60,
        "Paid involvement: giving views in service design and consultation meetings.",
    ),
    (
        "Research interviewing",
        "Research interviewing",
        3200,
        1800,
        0,
        120,
        "Paid involvement: carrying out interviews for research studies.",
    ),
    (
        "Training delivery",
        "Training delivery",
        3500,
        2000,
        0,
        120,
        "Paid involvement: co-delivering training sessions.",
    ),
]

CLIENTS = [
    ("Corner Bakery", "12 Mill Lane, Anytown AN1 2BB", 14, "retail"),
    ("Riverside Community Centre", "Riverside Walk, Anytown AN2 3CC", 30, "charity"),
    ("Anytown Health NHS Trust", "Trust HQ, Hospital Road, Anytown AN3 4DD", 30, "health"),
    ("Green Fingers Housing Co-op", "5 Orchard Close, Anytown AN4 5EE", 21, "charity"),
    ("Hope Mental Health Charity", "The Old School, Church Street, Anytown AN5 6FF", 30, "charity"),
    ("Brightside Accountants", "3rd floor, 40 High Street, Anytown AN1 1AB", 14, "office"),
    ("University of Anytown Research Unit", "Science Park, Anytown AN6 7GG", 30, "public"),
    ("Smith & Daughters Hardware", "88 Market Square, Anytown AN1 3HH", 7, "retail"),
]


def _load_business(
    session: Session, skills: dict[str, Skill], client_user: User, coordinator_id: int, rng: random.Random
) -> None:
    """Services, clients, bookings in every state, and a rota for this week and next."""

    services = {}
    for name, skill, charge, pay, vat, minimum, desc in SERVICES:
        services[name] = Service(
            name=name,
            skill=skills[skill],
            charge_pence_per_hour=charge,
            pay_pence_per_hour=pay,
            vat_rate_bp=vat,
            min_booking_minutes=minimum,
            description=desc,
            involvement=desc.startswith("Paid involvement"),
        )
    clients = [
        Client(name=n, address=a, billing_email=f"accounts{i}@client.example", payment_terms_days=t, sector=k)
        for i, (n, a, t, k) in enumerate(CLIENTS)
    ]
    session.add_all([*services.values(), *clients])
    session.add(ClientContact(client=clients[0], user=client_user, name="Sally Baker"))
    session.commit()
    today = today_london()
    monday = week_start(today)

    def data(
        service: str, day_offset: int, start: int, hours: int, workers: int = 1, **kw: object
    ) -> bookings.BookingData:
        return bookings.BookingData(
            service_id=services[service].id,
            site_address=kw.pop("site", "On site"),  # type: ignore[arg-type]
            start_date=kw.pop("day", monday + timedelta(days=day_offset)),  # type: ignore[arg-type]
            start_time=time(start, 0),
            end_time=time((start + hours) % 24, 0),
            workers=workers,
            **kw,  # type: ignore[arg-type]
        )

    def future(d: bookings.BookingData) -> bool:
        return local_span_to_utc(d.start_date, d.start_time, d.end_time)[0] > utcnow()

    plans = [
        (
            clients[0],
            data(
                "Office cleaning",
                0,
                7,
                3,
                2,
                recurrence="weekly",
                weekdays=[0, 2, 4],
                occurrences=18,
                site=CLIENTS[0][1],
            ),
        ),
        (
            clients[1],
            data(
                "Gardening",
                1,
                10,
                4,
                2,
                recurrence="fortnightly",
                weekdays=[1],
                occurrences=6,
                site=CLIENTS[1][1],
            ),
        ),
        (clients[2], data("Interview panel member", 3, 9, 4, 1, site=CLIENTS[2][1])),
        (
            clients[4],
            data(
                "Telephone helpline",
                0,
                9,
                4,
                1,
                recurrence="weekly",
                weekdays=[0, 1, 2, 3, 4],
                occurrences=20,
                site=CLIENTS[4][1],
            ),
        ),
        (clients[5], data("Office admin", 8, 9, 6, 1, site=CLIENTS[5][1])),
        (clients[6], data("Research interviewing", 9, 13, 3, 2, site=CLIENTS[6][1])),
        (clients[3], data("Event catering", 10, 11, 4, 3, site=CLIENTS[3][1])),
    ]
    confirmed = []
    for client, d in plans:
        # start from the next day these would be in the future, so confirming never fails
        while not future(d):
            d.start_date += timedelta(days=7)
        confirmed.append(bookings.book_on_behalf(session, client, d, actor_id=coordinator_id))
    # requests waiting, one declined, one cancelled
    bookings.request_booking(
        session, clients[7], data("Office cleaning", 15, 8, 3, 1, site=CLIENTS[7][1]), actor_id=client_user.id
    )
    bookings.request_booking(
        session, clients[0], data("Event catering", 16, 12, 3, 2, site=CLIENTS[0][1]), actor_id=client_user.id
    )
    declined = bookings.request_booking(
        session,
        clients[1],
        data("Training delivery", 17, 10, 3, 1, site=CLIENTS[1][1]),
        actor_id=coordinator_id,
    )
    bookings.decline_booking(
        session,
        declined,
        "Our trainers are all booked that week; could you do the week after?",
        actor_id=coordinator_id,
    )
    cancelled = bookings.book_on_behalf(
        session,
        clients[2],
        data("Consultation work", 12, 14, 2, 2, site=CLIENTS[2][1]),
        actor_id=coordinator_id,
    )
    bookings.cancel_booking(session, cancelled, actor_id=coordinator_id, reason="Meeting moved online")
    _last_week(session, clients[0], services["Office cleaning"], coordinator_id, monday, rng)
    # Members pick up about two thirds of this week's and next week's places.
    members = list(session.scalars(select(Member).where(Member.status == MemberStatus.ACTIVE)))
    horizon = utcnow() + timedelta(days=14)
    for booking in confirmed:
        for shift in booking.shifts:
            if shift.starts_at > horizon:
                continue
            for _ in range(shift.slots):
                if rng.random() > 0.66:
                    continue
                for member in rng.sample(members, len(members)):
                    try:
                        rota.claim(session, member.id, shift.id, actor_is_member=False, source="assign")
                    except DomainError:
                        session.rollback()
                        continue
                    break


def _last_week(
    session: Session, client: object, service: object, coordinator_id: int, monday: object, rng: random.Random
) -> None:
    """A completed booking last week, worked by members, with hours waiting for approval (and
    some approved), so a coordinator can approve a week and run pay straight away."""

    assert isinstance(client, Client) and isinstance(service, Service) and isinstance(monday, date)
    last_monday = monday - timedelta(days=7)
    booking = Booking(
        client=client,
        service=service,
        site_address=client.address,
        workers=1,
        start_date=last_monday,
        start_time=time(9),
        end_time=time(13),
        recurrence="weekly",
        weekdays="0,1,2,3,4",
        occurrences=5,
        status=BookingStatus.COMPLETED,
        created_by_id=coordinator_id,
    )
    session.add(booking)
    session.add(BookingEvent(booking=booking, status=BookingStatus.COMPLETED, actor_id=coordinator_id))
    workers = list(
        session.scalars(
            select(Member)
            .where(Member.status == MemberStatus.ACTIVE, Member.skills.any(id=service.skill_id))
            .order_by(Member.id)
        )
    )
    for i in range(5):
        day = last_monday + timedelta(days=i)
        start, end = local_span_to_utc(day, time(9), time(13))
        shift = Shift(
            booking=booking,
            service_id=service.id,
            client_id=client.id,
            starts_at=start,
            ends_at=end,
            slots=1,
            filled=1,
            site_address=client.address,
        )
        member = workers[i % len(workers)]
        assignment = Assignment(shift=shift, member_id=member.id, source="assign")
        session.add_all([shift, assignment])
        session.flush()
        finish = end + timedelta(minutes=rng.choice([0, 0, 15, -15]))
        session.add(
            TimesheetEntry(
                assignment_id=assignment.id,
                member_id=member.id,
                actual_start=start,
                actual_end=finish,
                break_minutes=rng.choice([0, 15]),
                submitted_by_id=coordinator_id,
            )
        )
    session.commit()
    first = session.scalars(select(TimesheetEntry).order_by(TimesheetEntry.id)).first()
    if first is not None:
        timesheets.approve(session, [first.id], by_user_id=coordinator_id)


def _invoiced_fortnight(
    session: Session,
    coordinator_id: int,
    render_html: Callable[[Any], str],
    invoice_dir: Path,
    base_url: str,
) -> None:
    """Work from two weeks ago, approved, invoiced and part-paid."""

    client = session.scalars(select(Client).where(Client.name == "Corner Bakery")).one()
    service = session.scalars(select(Service).where(Service.name == "Gardening")).one()
    member = session.scalars(select(Member).where(Member.display_name == "Chris Taylor")).one()
    today = today_london()
    day = today - timedelta(days=today.weekday() + 14)
    start, end = local_span_to_utc(day, time(10), time(14))
    booking = Booking(
        client=client,
        service=service,
        site_address=client.address,
        workers=1,
        start_date=day,
        start_time=time(10),
        end_time=time(14),
        status=BookingStatus.COMPLETED,
        created_by_id=coordinator_id,
    )
    shift = Shift(
        booking=booking,
        service_id=service.id,
        client_id=client.id,
        starts_at=start,
        ends_at=end,
        slots=1,
        filled=1,
        site_address=client.address,
    )
    assignment = Assignment(shift=shift, member_id=member.id, source="assign")
    session.add_all(
        [booking, BookingEvent(booking=booking, status=BookingStatus.COMPLETED), shift, assignment]
    )
    session.flush()
    entry = TimesheetEntry(
        assignment_id=assignment.id,
        member_id=member.id,
        actual_start=start,
        actual_end=end,
        break_minutes=0,
        submitted_by_id=member.user_id,
    )
    session.add(entry)
    session.commit()
    timesheets.approve(session, [entry.id], by_user_id=coordinator_id)
    drafts = invoicing.invoice_run(session, day, day, actor_id=coordinator_id)
    for draft in drafts:
        invoice = invoicing.issue(
            session,
            draft.id,
            today=today - timedelta(days=7),
            render_html=render_html,
            invoice_dir=invoice_dir,
            actor_id=coordinator_id,
            base_url=base_url,
        )
        invoicing.record_payment(
            session,
            invoice,
            paid_on=today - timedelta(days=2),
            amount_pence=invoice.gross_pence // 2,
            method="bank transfer",
            reference="Part payment",
            actor_id=coordinator_id,
            today=today,
        )


def _onward(session: Session, coordinator_id: int) -> None:
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


def _client_voice(session: Session, client_user_id: int) -> None:
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


def _chris_limit_and_offer(session: Session) -> None:
    """The demo member keeps to an ESA-style weekly limit and has one piece of work offered."""

    chris = session.scalars(select(Member).where(Member.display_name == "Chris Taylor")).one()
    caps.set_cap(
        session, chris, caps.preset_data(session, "esa"), actor_id=chris.user_id, by_coordinator=False
    )
    soon = [
        o
        for o in rota.open_shifts_for(session, chris)
        if o.fit.fits and o.shift.starts_at > utcnow() + timedelta(days=2)
    ]
    if soon:
        offers.send_offers(session, [Proposal(soon[0].shift.id, chris.id)])


def _community(session: Session, skills: dict[str, Skill]) -> None:
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
    session.commit()
