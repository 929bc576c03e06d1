"""Following enquiries up: the coordinators' queue with each enquiry's age, who it is given to,
notes of each contact, and how it ends (invited to join, pointed to an opportunity in the
directory, or closed at their wish). The jobs: coordinators are emailed once about enquiries
nobody contacted within `enquiry_contact_days` working days, and enquiries that did not lead to
membership are deleted after `enquiry_keep_months`."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import exists, select
from sqlalchemy.orm import Session

from coop.auth import service as auth
from coop.auth.models import Role, User
from coop.bookings.models import Service
from coop.db import found, lock, locking, write_transaction
from coop.directory.models import DirectoryEntry
from coop.enquiries.models import ENDED, STATUSES, Enquiry, EnquiryNote, EnquiryStatus, NoteKind
from coop.enquiries.service import MAX_TEXT, delete_within, may_take_calls
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.members import service as members
from coop.members.models import Member, MemberStatus, member_skill
from coop.settings import service as settings
from coop.settings.keys import K
from coop.text import written
from coop.timeutil import to_london, utcnow, working_days_after


@dataclass(frozen=True)
class Waiting:
    enquiry: Enquiry
    received: date  # the London day it came in
    contact_by: date  # the last working day to contact them
    overdue: bool


def contact_by(session: Session, enquiry: Enquiry) -> date:
    """The last day to contact someone: `enquiry_contact_days` working days after they asked."""
    days = settings.get(session, K.ENQUIRY_CONTACT_DAYS)
    return working_days_after(to_london(enquiry.created_at).date(), days)


def queue(session: Session, today: date, *, ended: bool = False) -> list[Waiting]:
    """Open enquiries (or, with `ended`, those that ended), oldest first, with their ages."""
    stmt = select(Enquiry).order_by(Enquiry.created_at, Enquiry.id)
    stmt = stmt.where(Enquiry.status.in_(ENDED) if ended else Enquiry.status.not_in(ENDED))
    out = []
    for e in session.scalars(stmt):
        by = contact_by(session, e)
        out.append(
            Waiting(e, to_london(e.created_at).date(), by, e.status == EnquiryStatus.NEW and today > by)
        )
    return out


def waiting_counts(session: Session, today: date) -> tuple[int, int]:
    """(not contacted yet, of which overdue) for the coordinators' home page."""
    days = settings.get(session, K.ENQUIRY_CONTACT_DAYS)
    created = list(session.scalars(select(Enquiry.created_at).where(Enquiry.status == EnquiryStatus.NEW)))
    late = sum(1 for at in created if today > working_days_after(to_london(at).date(), days))
    return len(created), late


def helpers(session: Session) -> list[tuple[int, str]]:
    """Who an enquiry can be given to: coordinators, and active members with the skill of a
    helpline service (they see it on a day they hold a helpline shift)."""
    coordinators = [
        (u.id, _("%(email)s (coordinator)", email=u.email))
        for u in auth.users_with_role(session, Role.COORDINATOR)
        if u.active
    ]
    helpline_skill = exists().where(
        Service.helpline.is_(True), Service.active.is_(True), Service.skill_id == member_skill.c.skill_id
    )
    stmt = (
        select(Member)
        .join(member_skill, member_skill.c.member_id == Member.id)
        .where(Member.status == MemberStatus.ACTIVE, helpline_skill)
        .order_by(Member.display_name)
    )
    taken = {uid for uid, _ in coordinators}
    people = [(m.user_id, m.display_name) for m in session.scalars(stmt).unique() if m.user_id not in taken]
    return people + coordinators


def _open_locked(session: Session, enquiry_id: int) -> Enquiry:
    enquiry = lock(session, Enquiry, enquiry_id)
    if enquiry is None:
        raise NotFound(_("That enquiry was deleted a moment ago."))
    if enquiry.status in ENDED:
        raise DomainError(
            _(
                "This enquiry has already ended: %(status)s.",
                status=_(STATUSES[EnquiryStatus(enquiry.status)]).lower(),
            )
        )
    return enquiry


def _note(session: Session, enquiry: Enquiry, actor_id: int, kind: NoteKind, body: str = "") -> None:
    session.add(EnquiryNote(enquiry_id=enquiry.id, author_id=actor_id, kind=kind, body=body))


def _contacted(enquiry: Enquiry, now: datetime) -> None:
    if enquiry.contacted_at is None:
        enquiry.contacted_at = now
    if enquiry.status == EnquiryStatus.NEW:
        enquiry.status = EnquiryStatus.CONTACTED


def assign(session: Session, enquiry_id: int, to_user_id: int, *, actor_id: int) -> None:
    """Give the enquiry to a coordinator or a helpline member to follow up."""
    if to_user_id not in {uid for uid, _ in helpers(session)}:
        raise DomainError(_("Choose a coordinator or a member who answers the helpline."), field="user_id")
    with write_transaction(session):
        enquiry = _open_locked(session, enquiry_id)
        enquiry.assigned_to_id = to_user_id
        who = session.get(User, to_user_id)
        _note(session, enquiry, actor_id, NoteKind.ASSIGNED, f"Given to {who.email if who else 'someone'}.")


def add_note(
    session: Session, enquiry_id: int, body: str, *, contacted: bool, actor: User, today: date
) -> None:
    """A note on the enquiry; `contacted` says we reached them (it stops the waiting clock). A
    member adds notes only to enquiries they took or were given, on a helpline day."""
    body = written(body, most=MAX_TEXT, field="body", empty=_("Write what happened."))
    with write_transaction(session):
        enquiry = _open_locked(session, enquiry_id)
        mine = actor.id in (enquiry.taken_by_id, enquiry.assigned_to_id)
        if not may_take_calls(session, actor, today) or not (actor.has_role(Role.COORDINATOR) or mine):
            raise NotFound(_("No such enquiry."))
        if contacted:
            _contacted(enquiry, utcnow())
        _note(session, enquiry, actor.id, NoteKind.CONTACTED if contacted else NoteKind.NOTE, body)


def _end(session: Session, enquiry: Enquiry, status: EnquiryStatus, actor_id: int, body: str) -> None:
    now = utcnow()
    _contacted(enquiry, now)
    enquiry.status, enquiry.ended_at = status, now
    _note(session, enquiry, actor_id, NoteKind(status), body)


def invite(
    session: Session,
    enquiry_id: int,
    *,
    email: str,
    display_name: str,
    skill_ids: Sequence[int],
    invite_link: Callable[[User], str],
    actor_id: int,
) -> Member:
    """Turn the enquiry into a member invitation (the existing invitation: an account with no
    password and an emailed link), carrying their name and email, in one operation."""
    if not email.strip():
        raise DomainError(_("An invitation needs an email address. Ask them for one."), field="email")
    with write_transaction(session):
        enquiry = _open_locked(session, enquiry_id)
        member = members.invite_member_within(
            session,
            email=email,
            display_name=display_name,
            skill_ids=skill_ids,
            invite_link=invite_link,
            coop_name=settings.get(session, K.COOP_NAME),
        )
        enquiry.member_id = member.id
        _end(session, enquiry, EnquiryStatus.INVITED, actor_id, f"Invited to join as {member.display_name}.")
    return member


def point(session: Session, enquiry_id: int, entry_id: int, note: str, *, actor_id: int) -> None:
    """End the enquiry by pointing them to an opportunity in the directory."""
    with write_transaction(session):
        enquiry = _open_locked(session, enquiry_id)
        entry = session.get(DirectoryEntry, entry_id)
        if entry is None or not entry.active:
            raise DomainError(_("Choose an opportunity from the directory."), field="entry_id")
        enquiry.entry_id = entry.id
        _end(
            session,
            enquiry,
            EnquiryStatus.POINTED,
            actor_id,
            f"Pointed to {entry.name}. {note.strip()}"[:MAX_TEXT].strip(),
        )


def close(session: Session, enquiry_id: int, note: str, *, actor_id: int) -> None:
    """End the enquiry at the person's wish."""
    with write_transaction(session):
        enquiry = _open_locked(session, enquiry_id)
        _end(session, enquiry, EnquiryStatus.CLOSED, actor_id, note.strip()[:MAX_TEXT])


def get(session: Session, enquiry_id: int) -> Enquiry:
    return found(session, Enquiry, enquiry_id, _("No such enquiry."))


# --- the jobs -----------------------------------------------------------------------------------


def remind_overdue(session: Session, today: date) -> int:
    """Email coordinators about enquiries nobody contacted in time: once for each enquiry, even
    when the job runs on several machines at once. Returns how many enquiries were raised."""
    with write_transaction(session):
        rows = list(
            session.scalars(
                locking(
                    select(Enquiry)
                    .where(Enquiry.status == EnquiryStatus.NEW, Enquiry.reminded_at.is_(None))
                    .order_by(Enquiry.created_at, Enquiry.id),
                    Enquiry,
                )
            )
        )
        late = [e for e in rows if today > contact_by(session, e)]
        if not late:
            return 0
        now = utcnow()
        for e in late:
            e.reminded_at = now
        auth.tell_coordinators(
            session,
            "enquiries_waiting",
            count=len(late),
            days=settings.get(session, K.ENQUIRY_CONTACT_DAYS),
            received=[to_london(e.created_at).date() for e in late],
        )
    return len(late)


def delete_expired(session: Session, now: datetime) -> int:
    """Delete enquiries that did not lead to membership, `enquiry_keep_months` after they came in
    (counted first in the anonymous tally for the impact report). Returns how many."""
    months = settings.get(session, K.ENQUIRY_KEEP_MONTHS)
    cutoff = now - relativedelta(months=months)
    with write_transaction(session):
        old = list(
            session.scalars(
                locking(
                    select(Enquiry)
                    .where(Enquiry.member_id.is_(None), Enquiry.created_at < cutoff)
                    .order_by(Enquiry.id),
                    Enquiry,
                )
            )
        )
        return delete_within(session, old)
