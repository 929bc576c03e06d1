"""The demo co-op's services, clients and bookings: this week and next, last week's worked hours
waiting for approval, and an invoiced, part-paid fortnight."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.auth.models import User
from coop.bookings import service as bookings
from coop.bookings.models import (
    Booking,
    BookingEvent,
    BookingStatus,
    Client,
    ClientContact,
    Service,
    Shift,
)
from coop.books import service as books
from coop.books.models import StatementFormat
from coop.books.reading import CsvColumns
from coop.db import write_transaction
from coop.errors import DomainError
from coop.invoicing import service as invoicing
from coop.invoicing.models import Invoice, InvoiceStatus
from coop.members.models import Member, MemberStatus, Skill
from coop.money import plain_pounds
from coop.pay import rates
from coop.rota import service as rota
from coop.rota.models import Assignment, AssignmentSource
from coop.timesheets import service as timesheets
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import local_span_to_utc, today_london, utcnow, week_start

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


def load_business(
    session: Session,
    skills: dict[str, Skill],
    client_user: User,
    coordinator_id: int,
    rng: random.Random,
    business_of: dict[str, int] | None = None,
) -> None:
    """Services (each in its business: `business_of` maps a service's name to a business id,
    the rest are the first business's), clients, bookings in every state, and a rota for this
    week and next."""
    business_of = business_of or {}

    with write_transaction(session):
        services = {}
        for name, skill, charge, pay, vat, minimum, desc in SERVICES:
            services[name] = Service(
                name=name,
                skill=skills[skill],
                charge_pence_per_hour=charge,
                pay_pence_per_hour=rates.rate_on(session, today_london(), pay),
                vat_rate_bp=vat,
                min_booking_minutes=minimum,
                description=desc,
                involvement=desc.startswith("Paid involvement"),
                **({"business_id": business_of[name]} if name in business_of else {}),
                helpline=name == "Telephone helpline",
            )
        clients = [
            Client(
                name=n, address=a, billing_email=f"accounts{i}@client.example", payment_terms_days=t, sector=k
            )
            for i, (n, a, t, k) in enumerate(CLIENTS)
        ]
        session.add_all([*services.values(), *clients])
        session.add(ClientContact(client=clients[0], user=client_user, name="Sally Baker"))
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
    last_week(session, clients[0], services["Office cleaning"], coordinator_id, monday, rng)
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
                        rota.claim(
                            session,
                            member.id,
                            shift.id,
                            actor_is_member=False,
                            source=AssignmentSource.ASSIGN,
                        )
                    except DomainError:
                        session.rollback()
                        continue
                    break


def last_week(
    session: Session, client: object, service: object, coordinator_id: int, monday: object, rng: random.Random
) -> None:
    """A completed booking last week, worked by members, with hours waiting for approval (and
    some approved), so a coordinator can approve a week and run pay straight away."""

    assert isinstance(client, Client) and isinstance(service, Service) and isinstance(monday, date)
    with write_transaction(session):
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
            assignment = Assignment(shift=shift, member_id=member.id, source=AssignmentSource.ASSIGN)
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
    first = session.scalars(select(TimesheetEntry).order_by(TimesheetEntry.id)).first()
    if first is not None:
        timesheets.approve(session, [first.id], actor_id=coordinator_id)


def invoiced_fortnight(
    session: Session,
    coordinator_id: int,
    render_html: Callable[[Any], str],
    invoice_dir: Path,
    base_url: str,
) -> None:
    """Work from two weeks ago, approved, invoiced and part-paid."""

    with write_transaction(session):
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
        assignment = Assignment(shift=shift, member_id=member.id, source=AssignmentSource.ASSIGN)
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
    timesheets.approve(session, [entry.id], actor_id=coordinator_id)
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


def bank_statement(session: Session, coordinator_id: int) -> None:
    """The co-op's bank statement for last week, read in: the rest of Corner Bakery's invoice
    (its number in the reference, waiting to be confirmed) and the bank's interest (no invoice)."""
    invoice = session.scalars(
        select(Invoice).where(Invoice.status == InvoiceStatus.ISSUED).order_by(Invoice.id.desc())
    ).first()
    if invoice is None:
        return
    day = today_london() - timedelta(days=1)
    owed = invoicing.balance_pence(invoice)
    rows = ["Date,Type,Description,Paid out,Paid in,Balance"]
    if owed > 0:
        rows.append(f"{day:%d/%m/%Y},BGC,CORNER BAKERY {invoice.number},,{plain_pounds(owed)},1520.00")
    rows.append(f"{day:%d/%m/%Y},INT,INTEREST PAID,,1.27,1521.27")
    books.import_statement(
        session,
        ("\r\n".join(rows) + "\r\n").encode(),
        fmt=StatementFormat.CSV,
        bank="Co-op Bank current account",
        filename="statement.csv",
        actor_id=coordinator_id,
        columns=CsvColumns("Date", "Paid in", "Description"),
    )
