"""Taking enquiries: the public form ("Interested in working with us?") and calls to the
helpline, who may take calls and see which enquiries, and deleting one sooner from the link in
its acknowledgement email.

The rule for the helpline: coordinators take calls and see every enquiry; a member takes calls
only on a day they hold a shift of a helpline service, and then sees only the enquiries they took
or were given. Nobody is ever asked about health, a diagnosis or benefits here."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import exists, or_, select
from sqlalchemy.orm import Session

from coop.auth.models import AttemptKind, LoginAttempt, Role, User
from coop.auth.service import ThrottleLimits, is_throttled
from coop.bookings.models import Service, Shift
from coop.db import locking, serialize, write_transaction
from coop.enquiries.models import SOURCES, Enquiry, EnquiryChannel, EnquiryNote, EnquiryTally, NoteKind
from coop.errors import DomainError, NotFound
from coop.i18n import N_
from coop.i18n import gettext as _
from coop.mail import service as mail
from coop.members.models import Member
from coop.rota.models import Assignment, AssignmentStatus
from coop.secret_tokens import digest, new_token
from coop.settings import service as settings
from coop.settings.keys import K
from coop.text import written
from coop.timeutil import london_to_utc, to_london

# The public form: 5 enquiries an hour from one address (a family sharing a connection can still
# send a few; a script cannot fill the queue).
FORM_LIMITS = ThrottleLimits(per_account=10**9, per_ip=5, window_seconds=60 * 60)
TOO_MANY = N_(
    "Thank you: we have had several enquiries from this connection in the last hour. Please try "
    "again later, or phone us."
)
MAX_TEXT = 2000


class TooMany(DomainError):
    """Too many enquiries from one address in the last hour."""


@dataclass(frozen=True)
class EnquiryData:
    name: str
    email: str = ""
    phone: str = ""
    good_time: str = ""
    work_interests: str = ""
    would_help: str = ""
    heard_from: str = ""
    consent: bool = False


def checked(data: EnquiryData) -> EnquiryData:
    """The enquiry tidied, or DomainError on the field that is not right."""
    name = " ".join(data.name.split())
    if not name:
        raise DomainError(_("Tell us a name to call you by."), field="name")
    if len(name) > 80:
        raise DomainError(_("Use at most 80 characters for your name."), field="name")
    email = data.email.strip().lower()
    if email:
        try:
            email = validate_email(email, check_deliverability=False).normalized.lower()
        except EmailNotValidError as exc:
            raise DomainError(_("Enter an email address like name@example.org."), field="email") from exc
        if len(email) > 254:
            raise DomainError(_("That email address is too long."), field="email")
    phone = " ".join(data.phone.split())
    if phone and (len(phone) > 40 or sum(c.isdigit() for c in phone) < 6):
        raise DomainError(_("Enter a phone number, like 01234 567890."), field="phone")
    if not email and not phone:
        raise DomainError(_("Give an email address or a phone number so we can reach you."), field="email")
    if data.heard_from not in SOURCES:
        raise DomainError(_("Choose how you heard about us."), field="heard_from")
    if not data.consent:
        raise DomainError(_("Tick the box so that we may contact you."), field="consent")
    good_time = " ".join(data.good_time.split())[:200]
    interests = _optional(data.work_interests, "work_interests")
    helps = _optional(data.would_help, "would_help")
    return replace(
        data,
        name=name,
        email=email,
        phone=phone,
        good_time=good_time,
        work_interests=interests,
        would_help=helps,
    )


def _optional(text: str, field: str) -> str:
    return written(text, most=MAX_TEXT, field=field, empty="") if text.strip() else ""


LinkFor = Callable[[str], str]  # a forget-me token -> its full address


def _new(
    session: Session, data: EnquiryData, channel: EnquiryChannel, taken_by_id: int | None, link_for: LinkFor
) -> Enquiry:
    """Inside write_transaction: store the enquiry and queue its acknowledgement (with the link
    to delete it sooner) when there is an email address."""
    token = new_token()
    enquiry = Enquiry(
        channel=channel,
        name=data.name,
        email=data.email,
        phone=data.phone,
        good_time=data.good_time,
        work_interests=data.work_interests,
        would_help=data.would_help,
        heard_from=data.heard_from,
        taken_by_id=taken_by_id,
        forget_digest=digest(token),
    )
    session.add(enquiry)
    session.flush()
    if enquiry.email:
        mail.queue(
            session,
            enquiry.email,
            "enquiry_received",
            link=link_for(token),
            name=enquiry.name,
            coop_name=settings.get(session, K.COOP_NAME),
            phone=settings.get(session, K.HELPLINE_PHONE),
            days=settings.get(session, K.ENQUIRY_CONTACT_DAYS),
            months=settings.get(session, K.ENQUIRY_KEEP_MONTHS),
        )
    return enquiry


def receive(
    session: Session, data: EnquiryData, *, ip: str, link_for: LinkFor, honeypot: str = ""
) -> Enquiry | None:
    """Keep an enquiry from the public form. A filled-in hidden field means a robot: nothing is
    kept and nothing is said (None). At most FORM_LIMITS from one address, counted in the database
    so every app server sees the same numbers."""
    if honeypot.strip():
        return None
    data = checked(data)
    with write_transaction(session):
        serialize(session, "enquiry form")  # the count and the new row, one request at a time
        if is_throttled(session, AttemptKind.ENQUIRY, "", ip, FORM_LIMITS):
            raise TooMany(_(TOO_MANY))
        session.add(LoginAttempt(kind=AttemptKind.ENQUIRY, email="", ip=ip[:64]))
        return _new(session, data, EnquiryChannel.WEB, None, link_for)


# --- the helpline ----------------------------------------------------------------------------


def _today_bounds(today: date) -> tuple[datetime, datetime]:
    return london_to_utc(today, time()), london_to_utc(today + timedelta(days=1), time())


def on_helpline(session: Session, member_id: int, today: date) -> bool:
    """Whether the member holds a shift of a helpline service on this London day."""
    first, last = _today_bounds(today)
    stmt = select(
        exists()
        .where(Assignment.shift_id == Shift.id, Shift.service_id == Service.id)
        .where(
            Assignment.member_id == member_id,
            Assignment.status == AssignmentStatus.ACCEPTED,
            Service.helpline.is_(True),
            Shift.starts_at < last,
            Shift.ends_at > first,
        )
    )
    return bool(session.scalar(stmt))


def may_take_calls(session: Session, user: User, today: date) -> bool:
    """Coordinators always; a member only on a day they hold a helpline shift."""
    if user.has_role(Role.COORDINATOR):
        return True
    member = session.scalar(select(Member).where(Member.user_id == user.id))
    return member is not None and on_helpline(session, member.id, today)


def _check_caller(session: Session, user_id: int, today: date) -> User:
    user = session.get(User, user_id)
    if user is None or not may_take_calls(session, user, today):
        raise DomainError(
            _("Only coordinators, and members on a helpline shift today, can record calls."), field="name"
        )
    return user


def record_call(
    session: Session, data: EnquiryData, said: str, *, actor_id: int, today: date, link_for: LinkFor
) -> Enquiry:
    """Keep an enquiry taken by phone, with what was said and agreed. A member who takes it is
    given it to follow up; an email address gets the same acknowledgement as the web form."""
    data = checked(data)
    said = written(said, most=MAX_TEXT, field="said", empty=_("Write a line on what was said and agreed."))
    with write_transaction(session):
        user = _check_caller(session, actor_id, today)
        enquiry = _new(session, data, EnquiryChannel.PHONE, actor_id, link_for)
        if not user.has_role(Role.COORDINATOR):
            enquiry.assigned_to_id = actor_id
        session.add(EnquiryNote(enquiry_id=enquiry.id, author_id=actor_id, kind=NoteKind.CALL, body=said))
    return enquiry


def visible_to(user: User) -> object:
    """The condition on Enquiry for what this person may see (everything for coordinators)."""
    if user.has_role(Role.COORDINATOR):
        return True
    return or_(Enquiry.taken_by_id == user.id, Enquiry.assigned_to_id == user.id)


def get_enquiry(session: Session, enquiry_id: int, user: User, today: date) -> Enquiry:
    """The enquiry, or NotFound for one this person may not see (a member sees the ones they took
    or were given, and only on a day they hold a helpline shift)."""
    enquiry = session.get(Enquiry, enquiry_id)
    if enquiry is None or not may_take_calls(session, user, today):
        raise NotFound(_("No such enquiry."))
    if not user.has_role(Role.COORDINATOR) and user.id not in (enquiry.taken_by_id, enquiry.assigned_to_id):
        raise NotFound(_("No such enquiry."))
    return enquiry


def mine(session: Session, user: User) -> list[Enquiry]:
    """The enquiries a member took or was given, newest first."""
    stmt = (
        select(Enquiry)
        .where(or_(Enquiry.taken_by_id == user.id, Enquiry.assigned_to_id == user.id))
        .order_by(Enquiry.created_at.desc(), Enquiry.id.desc())
    )
    return list(session.scalars(stmt))


# --- deleting ----------------------------------------------------------------------------------


def _tally_within(session: Session, enquiries: list[Enquiry]) -> None:
    """Count the enquiries about to be deleted in the anonymous tally by month and source."""
    counts: dict[tuple[date, str], int] = {}
    for e in enquiries:
        month = to_london(e.created_at).date().replace(day=1)
        counts[(month, e.heard_from)] = counts.get((month, e.heard_from), 0) + 1
    for (month, source), n in sorted(counts.items()):
        row = session.scalar(
            locking(
                select(EnquiryTally).where(EnquiryTally.month == month, EnquiryTally.heard_from == source),
                EnquiryTally,
            )
        )
        if row is None:
            session.add(EnquiryTally(month=month, heard_from=source, enquiries=n))
            session.flush()
        else:
            row.enquiries += n


def delete_within(session: Session, enquiries: list[Enquiry]) -> int:
    """Inside write_transaction, the enquiries locked: delete them and their notes, counting them
    first in the anonymous tally (when none became a member)."""
    if not enquiries:
        return 0
    serialize(session, "enquiry tally")
    _tally_within(session, [e for e in enquiries if e.member_id is None])
    for e in enquiries:
        session.delete(e)
    session.flush()
    return len(enquiries)


class LinkProblem(DomainError):
    pass


def by_link(session: Session, token: str) -> Enquiry:
    """The enquiry a forget-me link stands for, or LinkProblem (already deleted or never was)."""
    found = session.scalar(select(Enquiry).where(Enquiry.forget_digest == digest(token)))
    if found is None:
        raise LinkProblem(
            _(
                "This link does not match anything we hold. If you used it before, what you told us "
                "has already been deleted."
            )
        )
    return found


def forget(session: Session, token: str) -> None:
    """Delete what someone told us, at their request, through the link in their email."""
    with write_transaction(session):
        enquiry = session.scalar(
            locking(select(Enquiry).where(Enquiry.forget_digest == digest(token)), Enquiry)
        )
        if enquiry is None:
            raise LinkProblem(_("What you told us has already been deleted."))
        delete_within(session, [enquiry])
