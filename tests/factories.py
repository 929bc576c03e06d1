"""Small factories for test data. Each takes a Session and commits."""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy.orm import Session

from coop.auth import service as auth
from coop.auth.models import User
from coop.members.models import Member, Skill
from tests.conftest import PASSWORD

_seq = itertools.count(1)


def png_bytes(size: tuple[int, int] = (4, 4)) -> bytes:
    """A real, tiny PNG (receipts are decoded, not judged by their first bytes)."""
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, (200, 180, 40)).save(out, "PNG")
    return out.getvalue()


def user(
    session: Session,
    email: str | None = None,
    roles: tuple[str, ...] = ("member",),
    password: str | None = PASSWORD,
) -> User:
    u = auth.create_user(session, email or f"person{next(_seq)}@example.org", list(roles))
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
) -> Any:
    from coop.bookings.models import Service

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


def client(session: Session, name: str | None = None, contact_email: str | None = None, **kw: Any) -> Any:
    from coop.bookings.models import Client, ClientContact

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
    service_: Any = None,
    client_: Any = None,
    starts_in: Any = None,
    hours: float = 3,
    slots: int = 1,
) -> Any:
    """A confirmed one-off booking with one shift, starting `starts_in` from now (default 3 days)."""
    from datetime import timedelta

    from coop.bookings.models import Booking, Shift
    from coop.timeutil import to_london, utcnow

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
