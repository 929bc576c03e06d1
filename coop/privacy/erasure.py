"""The right to erasure. A member asks; a coordinator carries it out.

What erasing does is declared next to each table in the data map (`coop.datamap`): rows that are
only about the person are deleted, personal columns are replaced with a neutral value, and what
the co-op must keep (hours worked, pay statements, expenses, adjustments, surplus shares: HMRC)
stays, attached to the placeholder "Former member N", until six years after the erasure, when
`purge_due` deletes the tables the map marks for it. Their future shifts and skill-session places
are let go, so others can take them. All of it, and the email telling them it is done, happens
in one transaction. Issued invoices belong to the client and are not touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.auth import service as auth
from coop.datamap import (
    CHANGES,
    ERASED_DOMAIN,
    KEPT_AS_DECLARED,
    declared,
    neutral_value,
    placeholder_name,
    rows_of,
)
from coop.db import lock, serialize, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import N_
from coop.i18n import gettext as _
from coop.mail import service as mail
from coop.members.models import ErasureRequest, ErasureStatus, Member, MemberStatus
from coop.members.service import lock_member
from coop.rota import service as rota
from coop.schema import Base
from coop.skillshare import service as skillshare
from coop.skillshare.models import SkillSession
from coop.timeutil import today_london, utcnow

RETAIN_YEARS = 6
PLACEHOLDER_DOMAIN = ERASED_DOMAIN


def open_request(session: Session, member: Member) -> ErasureRequest | None:
    return session.scalar(
        select(ErasureRequest).where(
            ErasureRequest.member_id == member.id, ErasureRequest.status == ErasureStatus.REQUESTED
        )
    )


def request_erasure(session: Session, member: Member, *, actor_id: int) -> ErasureRequest:
    """The member asks. Coordinators are told by email (without any reason: none is asked)."""
    with write_transaction(session):
        lock_member(session, member.id)  # two clicks at once: one request, not a unique-key error
        if member.status == MemberStatus.LEFT and member.user.email.endswith("@" + PLACEHOLDER_DOMAIN):
            raise DomainError(_("Your details have already been erased."))
        existing = open_request(session, member)
        if existing is not None:
            return existing
        req = ErasureRequest(member_id=member.id)
        session.add(req)
        session.flush()
        record(session, actor_id, "erasure.requested", ("member", member.id))
        auth.tell_coordinators(session, "erasure_requested", request=req)
    return req


def withdraw(session: Session, member: Member, *, actor_id: int) -> None:
    with write_transaction(session):
        lock_member(session, member.id)
        req = open_request(session, member)
        if req is None:
            raise NotFound(_("There is no request to withdraw."))
        req.status = ErasureStatus.WITHDRAWN
        record(session, actor_id, "erasure.withdrawn", ("member", member.id))


def count_waiting(session: Session) -> int:
    stmt = (
        select(func.count())
        .select_from(ErasureRequest)
        .where(ErasureRequest.status == ErasureStatus.REQUESTED)
    )
    return session.scalar(stmt) or 0


def waiting(session: Session) -> list[ErasureRequest]:
    stmt = select(ErasureRequest).order_by(
        ErasureRequest.status != ErasureStatus.REQUESTED, ErasureRequest.requested_at
    )
    return list(session.scalars(stmt))


def waiting_request(session: Session, request_id: int) -> ErasureRequest:
    """A request still waiting to be carried out, or NotFound."""
    req = session.get(ErasureRequest, request_id)
    if req is None or req.status != ErasureStatus.REQUESTED:
        raise NotFound(_("No such request waiting: it may have been carried out or withdrawn."))
    return req


def add_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def carry_out(session: Session, request_id: int, *, actor_id: int, now: datetime | None = None) -> Member:
    """Erase the member's personal data now, as the data map says, in one transaction: their
    future places go back to others, their details are replaced, and they are emailed (at their
    own address, before it goes) that it is done. Financial records stay for six years."""

    now = now or utcnow()
    member_id = session.scalar(select(ErasureRequest.member_id).where(ErasureRequest.id == request_id))
    if member_id is None:
        raise NotFound(_("No such request waiting."))
    with write_transaction(session):
        # The member first, as every claim takes them, then the roles, then the request: what
        # the erasure decides on is read under those locks.
        member = lock_member(session, member_id)
        serialize(session, "roles")
        req = lock(session, ErasureRequest, request_id)
        if req is None or req.status != ErasureStatus.REQUESTED:
            raise NotFound(_("No such request waiting."))
        teaching = session.scalar(
            select(SkillSession.title).where(
                SkillSession.teacher_id == member_id, SkillSession.starts_at > now, ~SkillSession.cancelled
            )
        )
        if teaching is not None:
            raise DomainError(
                _(
                    "%(name)s is teaching “%(title)s”. Change or cancel that session first.",
                    name=member.display_name,
                    title=teaching,
                )
            )
        user = member.user
        if auth.leaves_no_admin(session, user, set()):
            raise DomainError(_(ONLY_ADMIN))
        released = rota.let_all_go_within(session, member_id, now=now)
        skillshare.give_up_places_within(session, member_id, now=now)
        old_email, their_reading = user.email, user.reading  # both go with the erasure
        erase_rows(session, member_id, user.id, old_email, member.display_name)
        # After the outbox is cleared of their mail, so this one stays and is sent.
        mail.queue(session, old_email, "erasure_done", reader=their_reading)
        req.status = ErasureStatus.ERASED
        req.processed_at = now
        req.processed_by_id = actor_id
        req.retain_until = add_years(today_london(), RETAIN_YEARS)
        record(
            session,
            actor_id,
            "erasure.carried_out",
            ("member", member_id),
            None,
            {"released_shifts": released, "financial_records_kept_until": req.retain_until.isoformat()},
        )
    return session.get(Member, member_id)  # type: ignore[return-value]


ONLY_ADMIN = N_("This is the co-op's only admin. Make someone else an admin first.")


def erase_rows(session: Session, member_id: int, user_id: int, email: str, name: str) -> None:
    """Inside write_transaction: carry out every table's declaration for this member (the rows
    to delete go last, children first)."""
    tables = Base.metadata.tables
    mapped = list(declared(Base.metadata))
    placeholder = placeholder_name(member_id)
    for table, d in mapped:
        for col, rule in d.columns.items():
            if rule.action == "mentions" and name.strip():
                column = table.c[col]
                session.execute(
                    update(table)
                    .where(column.contains(name, autoescape=True))
                    .values({col: func.replace(column, name, placeholder)})
                )
    for table, d in mapped:
        changes = {name: rule for name, rule in d.columns.items() if rule.action == "neutral"}
        if d.rows.action == "delete" or not changes:
            continue
        for row in session.execute(
            select(table).where(rows_of(table, member_id, user_id, email, tables))
        ).mappings():
            values = {name: neutral_value(rule, row) for name, rule in changes.items()}
            session.execute(update(table).where(table.c.id == row["id"]).values(values))
    for table, d in reversed(mapped):
        if d.rows.action == "delete":
            session.execute(delete(table).where(rows_of(table, member_id, user_id, email, tables)))
    session.expire_all()


@dataclass(frozen=True)
class Fate:
    what: str
    happens: str  # "deleted", "replaced", "kept"
    detail: list[str]


def what_happens() -> list[Fate]:
    """For the coordinator's confirmation: what erasure does to each kind of data, from the map."""
    out = []
    for _table, d in declared(Base.metadata):
        if not d.owner:
            continue
        if d.rows.action == "delete":
            out.append(Fate(d.what, "deleted", []))
            continue
        replaced = [
            name.replace("_", " ")
            + (f" ({rule.describe()})" if rule.action == "mentions" else "")
            + (f" (becomes {rule.why})" if rule.why else "")
            for name, rule in d.columns.items()
            if rule.action in CHANGES
        ]
        if replaced:
            out.append(Fate(d.what, "replaced", replaced))
        if not replaced or d.rows.why != KEPT_AS_DECLARED:
            out.append(Fate(d.what, "kept", [d.rows.why if d.rows.why != KEPT_AS_DECLARED else d.kept]))
    return out


@dataclass
class Purged:
    members: int
    rows: int
    files: int


def purge_due(session: Session, upload_dir: Path, *, today: date | None = None) -> Purged:
    """Delete the financial records kept for erased members once six years have passed: every
    table the data map marks `purge`, and the files its `files` columns name."""

    today = today or today_london()
    tables = Base.metadata.tables
    out = Purged(0, 0, 0)
    with write_transaction(session):
        due = session.scalars(
            select(ErasureRequest).where(
                ErasureRequest.status == ErasureStatus.ERASED,
                ErasureRequest.retain_until <= today,
                ErasureRequest.purged_at.is_(None),
            )
        ).all()
        for req in due:
            member = session.get(Member, req.member_id)
            assert member is not None
            for table, d in reversed(list(declared(Base.metadata))):
                if not d.purge:
                    continue
                which = rows_of(table, member.id, member.user_id, "", tables)
                for name in d.files:
                    for stored in session.scalars(select(table.c[name]).where(which, table.c[name] != "")):
                        path = upload_dir / stored
                        if path.exists():
                            path.unlink()
                            out.files += 1
                out.rows += session.execute(delete(table).where(which)).rowcount  # type: ignore[attr-defined]
            req.purged_at = utcnow()
            record(session, None, "erasure.records_purged", ("member", member.id))
            out.members += 1
    return out
