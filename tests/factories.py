"""Typed factories for test data, shared by every test. Each takes a Session and commits.

The small ones make one row (`member`, `client`, `shift`, ...); the larger ones make a fact a
test starts from (`held_shift`, `worked_shift`, `approved_work`, `approved_timesheet`,
`issue_draft`, `proposal`), going through the services where the rules live so that the data
is what the application itself would have made.
"""

from __future__ import annotations

import io
import itertools
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from PIL import Image
from sqlalchemy.orm import Session
from weasyprint import HTML

from coop.auth import service as auth
from coop.auth.models import User
from coop.bookings.models import Booking, Client, ClientContact, Service, Shift
from coop.businesses import service as businesses
from coop.businesses.models import Business
from coop.governance import service as governance
from coop.governance.models import Proposal, SurplusShare
from coop.invoicing import service as invoicing
from coop.invoicing.models import CreditNote, Invoice
from coop.limits import service as limits
from coop.members.models import Member, Skill
from coop.pay import service as pay
from coop.pay.models import PayStatement
from coop.rota import service as rota
from coop.rota.eligibility import free_members
from coop.rota.models import Assignment
from coop.timesheets import service as timesheets
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import to_london, today_london, utcnow, week_start
from tests.conftest import PASSWORD

_seq = itertools.count(1)

BASE_URL = "http://coop.test"


def unique(prefix: str) -> str:
    """A name no other test (or earlier run against the same database) has used."""
    return f"{prefix}-{next(_seq)}-{utcnow().timestamp():.0f}"


def shown(page: str) -> str:
    """The page without its random form tokens, for checking that a short figure is not shown.

    A token is 80-odd random letters and digits: "3h" turns up in about one in fifty of them.
    """
    return re.sub(r'<input[^>]*name="csrf_token"[^>]*>', "", page)


def fresh(session: Session) -> None:
    """Forget what this session read: a request or another process has changed the rows."""
    session.rollback()
    session.expire_all()


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    """A real, tiny PNG (receipts are decoded, not judged by their first bytes)."""
    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 40)).save(out, "PNG")
    return out.getvalue()


# --- people -----------------------------------------------------------------------------------


def user(
    session: Session,
    email: str | None = None,
    roles: tuple[str, ...] = ("member",),
    password: str | None = PASSWORD,
) -> User:
    u = auth.create_user_within(session, email or f"person{next(_seq)}@example.org", list(roles))
    if password is not None:
        u.password_hash = auth.hash_password(password)
    session.commit()
    return u


def skill(session: Session, name: str | None = None) -> Skill:
    s = Skill(name=name or f"Skill {next(_seq)}")
    session.add(s)
    session.commit()
    return s


def member(
    session: Session,
    name: str | None = None,
    email: str | None = None,
    skills: list[Skill] | None = None,
    roles: tuple[str, ...] = ("member",),
    **kw: Any,
) -> Member:
    n = next(_seq)
    u = user(session, email or f"member{n}@example.org", roles)
    m = Member(user=u, display_name=name or f"Member {n}", skills=skills or [], **kw)
    session.add(m)
    session.commit()
    return m


def coordinator(session: Session, email: str | None = None) -> User:
    return user(session, email or f"coord{next(_seq)}@example.org", ("coordinator",))


def limit(
    session: Session, member_: Member, pence: int | None = None, minutes: int | None = None, **kw: Any
) -> None:
    """Set the member's own benefit limit, as they would on their limit page."""
    data = limits.LimitData(pence, minutes, kw.pop("period", "weekly"), kw.pop("start_day", 1), **kw)
    limits.set_limit(session, member_, data, actor_id=member_.user_id, by_coordinator=False)


# --- bookings ---------------------------------------------------------------------------------


def business(session: Session, name: str = "Green Gardens", prefix: str = "GG-", **kw: Any) -> Business:
    """A second business of the co-op (the first, "Co-op Works", comes with every database)."""
    data = businesses.BusinessData(
        name=name,
        description=kw.pop("description", ""),
        contact_email=kw.pop("contact_email", ""),
        contact_phone=kw.pop("contact_phone", ""),
        invoice_prefix=prefix,
        **kw,
    )
    return businesses.save_business(session, data, actor_id=None)


def service(
    session: Session,
    skill_: Skill | None = None,
    *,
    name: str | None = None,
    charge: int = 2500,
    pay: int = 1400,
    vat_bp: int = 2000,
    min_minutes: int = 60,
    **kw: Any,
) -> Service:
    s = Service(
        name=name or f"Service {next(_seq)}",
        skill=skill_ or skill(session),
        charge_pence_per_hour=charge,
        pay_pence_per_hour=pay,
        vat_rate_bp=vat_bp,
        min_booking_minutes=min_minutes,
        description="",
        **kw,
    )
    session.add(s)
    session.commit()
    return s


def client(session: Session, name: str | None = None, contact_email: str | None = None, **kw: Any) -> Client:
    kw.setdefault("billing_email", "bills@example.org")
    c = Client(name=name or f"Client {next(_seq)}", address="1 Test Street", **kw)
    session.add(c)
    if contact_email:
        u = user(session, contact_email, ("client",))
        session.add(ClientContact(client=c, user=u, name="Pat Contact"))
    session.commit()
    return c


def shift(
    session: Session,
    *,
    service_: Service | None = None,
    client_: Client | None = None,
    starts_in: timedelta | None = None,
    hours: float = 3,
    slots: int = 1,
) -> Shift:
    """A confirmed one-off booking with one shift, starting `starts_in` from now (default 3 days)."""
    service_ = service_ or service(session)
    client_ = client_ or client(session)
    start = (utcnow() + (starts_in or timedelta(days=3))).replace(second=0, microsecond=0)
    end = start + timedelta(minutes=int(hours * 60))
    local = to_london(start)
    b = Booking(
        client=client_,
        service=service_,
        site_address="1 Site Road",
        workers=slots,
        start_date=local.date(),
        start_time=local.time(),
        end_time=to_london(end).time(),
        status="scheduled",
        created_at=utcnow() - timedelta(days=7),  # booked a while ago: past the free-cancellation grace
    )
    s = Shift(
        booking=b,
        service_id=service_.id,
        client_id=client_.id,
        starts_at=start,
        ends_at=end,
        slots=slots,
        site_address="1 Site Road",
    )
    session.add_all([b, s])
    session.commit()
    return s


# --- the rota and timesheets ------------------------------------------------------------------


def next_monday() -> date:
    """The Monday of next week, read when a test runs (not when its file is imported, which may
    be before midnight on a Sunday)."""
    return week_start(today_london()) + timedelta(days=7)


def free_offset(session: Session, member_id: int, *, at_least: timedelta, hours: float = 3) -> timedelta:
    """How far from now, `at_least` or the first whole hour after it, a shift of `hours` can start
    that the claim rule lets the member take (pattern, time off, their other places and rest):
    for a member with places already, such as the demo co-op's member, whose places depend on
    the hour and day the co-op was made."""
    member_ = session.get_one(Member, member_id)
    now = utcnow()
    offset = at_least
    while offset < at_least + timedelta(days=14):
        # a minute either side: `shift` starts on the minute, read from the clock a moment later
        start = now + offset - timedelta(minutes=1)
        if free_members(session, [member_], start, start + timedelta(hours=hours, minutes=2)):
            return offset
        offset += timedelta(hours=1)
    raise AssertionError(f"{member_.display_name} has no {hours} free hours in two weeks from {at_least}")


def held_shift(
    session: Session,
    *,
    pay: int = 1500,
    hours: float = 3,
    limit_pence: int | None = 5500,
    email: str = "esa@example.org",
    **limit_kw: Any,
) -> tuple[Member, Shift]:
    """A shift in three days claimed by a member who has set a weekly limit (£55 by default)."""
    skill_ = skill(session)
    svc = service(session, skill_, name="Cleaning", pay=pay)
    shift_ = shift(session, service_=svc, hours=hours, starts_in=timedelta(days=3, hours=-1))
    member_ = member(session, name="Esa Member", email=email, skills=[skill_])
    limit(session, member_, limit_pence, **limit_kw)
    rota.claim(session, member_.id, shift_.id)
    return member_, shift_


def _move_back(session: Session, shift_: Shift, days_ago: int) -> None:
    """Claimed while in the future (as the rules need), then moved to have ended `days_ago` ago."""
    shift_.starts_at -= timedelta(days=1 + days_ago)
    shift_.ends_at -= timedelta(days=1 + days_ago)
    session.commit()


def worked_shift(
    session: Session,
    *,
    pay_rate: int = 1400,
    hours: float = 3,
    days_ago: int = 3,
    member_: Member | None = None,
) -> tuple[Assignment, Shift, Member]:
    """A shift that ended `days_ago` days ago, held by a member, its timesheet not yet written."""
    skill_ = skill(session)
    svc = service(session, skill_, name=f"Cleaning {skill_.id}", pay=pay_rate)
    shift_ = shift(session, service_=svc, hours=hours, starts_in=timedelta(days=1))
    member_ = member_ or member(session, skills=[skill_])
    if skill_ not in member_.skills:
        member_.skills.append(skill_)
        session.commit()
    a = rota.claim(session, member_.id, shift_.id)
    _move_back(session, shift_, days_ago)
    return a, shift_, member_


def hours(shift_: Shift, start_delta: int = 0, end_delta: int = 0, brk: int = 0) -> timesheets.Hours:
    """The shift's own times, moved by a number of minutes, with a break."""
    return timesheets.Hours(
        shift_.starts_at + timedelta(minutes=start_delta), shift_.ends_at + timedelta(minutes=end_delta), brk
    )


def approved_work(
    session: Session,
    client_: Client,
    *,
    hours: float = 3,
    charge: int = 2600,
    days_ago: int = 3,
    vat_bp: int = 2000,
    service_: Service | None = None,
) -> Shift:
    """Work for a client, done and approved: ready to invoice and to pay."""
    skill_ = skill(session)
    svc = service_ or service(session, skill_, name=f"Cleaning {skill_.id}", charge=charge, vat_bp=vat_bp)
    shift_ = shift(session, service_=svc, client_=client_, hours=hours, starts_in=timedelta(days=1))
    m = member(session, skills=[svc.skill])
    a = rota.claim(session, m.id, shift_.id)
    _move_back(session, shift_, days_ago)
    e = timesheets.submit(session, a.id, timesheets.Hours(shift_.starts_at, shift_.ends_at, 0), actor_id=1)
    timesheets.approve(session, [e.id], actor_id=1)
    return shift_


def approved_timesheet(
    session: Session,
    member_: Member,
    *,
    service_: Service | None = None,
    client_: Client | None = None,
    days_ago: int = 10,
    hours: float = 3,
) -> TimesheetEntry:
    """Approved work for a given member, assigned directly (the rota's rules are tested elsewhere)."""
    service_ = service_ or service(session)
    shift_ = shift(
        session, service_=service_, client_=client_, hours=hours, starts_in=timedelta(days=-days_ago)
    )
    a = Assignment(
        shift_id=shift_.id, shift_starts_at=shift_.starts_at, member_id=member_.id, source="assign"
    )
    shift_.filled = 1
    session.add(a)
    session.commit()
    e = timesheets.submit(
        session,
        a.id,
        timesheets.Hours(shift_.starts_at, shift_.ends_at, 0),
        actor_id=member_.user_id,
        member_id=member_.id,
    )
    timesheets.approve(session, [e.id], actor_id=member_.user_id)
    return e


def finalised_pay_statement(session: Session, *, name: str, email: str, language: str) -> PayStatement:
    """A member reading `language` with approved work five days ago, paid in a finalised pay run
    made by a coordinator (coord@example.org): their one pay statement."""
    member_ = member(session, name=name, email=email)
    approved_timesheet(session, member_, days_ago=5)
    member_.user.language = language
    coordinator_ = coordinator(session, "coord@example.org")
    session.commit()
    today = today_london()
    run = pay.build_pay_run(
        session, today - timedelta(days=20), today - timedelta(days=1), actor_id=coordinator_.id, today=today
    )
    pay.finalise(session, run.id, actor_id=coordinator_.id)
    [statement] = run.statements
    return statement


# --- invoices ---------------------------------------------------------------------------------


def period() -> tuple[date, date]:
    """The last thirty days: the invoice run's period in most tests."""
    today = today_london()
    return today - timedelta(days=30), today


def simple_html(invoice: Invoice) -> str:
    """A small invoice document: the tests check numbers and files, not the layout."""
    return f"<h1>Invoice {invoice.number}</h1><p>{invoice.client.name}</p>"


def simple_render(note: CreditNote) -> bytes:
    out: bytes = HTML(string=f"<h1>Credit note {note.number}</h1>").write_pdf()
    return out


def issue_draft(
    session: Session,
    draft_id: int,
    invoice_dir: Path,
    *,
    today: date | None = None,
    actor_id: int | None = None,
) -> Invoice:
    """Issue a draft with the small document, as the invoice page's button does."""
    return invoicing.issue(
        session,
        draft_id,
        today=today or today_london(),
        render_html=simple_html,
        invoice_dir=invoice_dir,
        actor_id=actor_id,
        base_url=BASE_URL,
    )


def issued_invoice(
    session: Session, client_: Client, invoice_dir: Path, *, hours: float = 2, today: date | None = None
) -> Invoice:
    """An issued invoice for a client's approved work."""
    approved_work(session, client_, hours=hours)
    [draft] = invoicing.invoice_run(session, *period())
    return issue_draft(session, draft.id, invoice_dir, today=today)


# --- governance -------------------------------------------------------------------------------


def surplus_share(session: Session, member_: Member, *, pence: int, minutes: int = 600) -> SurplusShare:
    """A member's share of a surplus already decided (the vote itself is tested elsewhere)."""
    decided = Proposal(
        title="Share the 2026 surplus",
        text="x",
        kind="distribute_surplus",
        created_by_id=member_.id,
        closes_at=utcnow(),
        surplus_year=2026,
    )
    session.add(decided)
    session.flush()
    share = SurplusShare(proposal_id=decided.id, member_id=member_.id, minutes=minutes, amount_pence=pence)
    session.add(share)
    session.commit()
    return share


def proposal(session: Session, author: Member, **kw: Any) -> Proposal:
    data = governance.ProposalData(
        title=kw.pop("title", "Buy a van"), text="Because", closes_on=today_london() + timedelta(days=3), **kw
    )
    return governance.create_proposal(session, author, data, today=today_london())
