"""Work records: a member builds one from what the co-op already knows, chooses what goes in and
how the co-op is named, and shares a code an employer can check. References from coordinators
go in only once the member approves them."""

from __future__ import annotations

import json
import secrets
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from coop.audit.service import record as audit
from coop.bookings.models import SECTORS, Client, Service, Shift
from coop.db import lock, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import N_, ngettext
from coop.i18n import gettext as _
from coop.i18n.formats import number_text
from coop.mail import service as mail
from coop.members.models import Member, Skill
from coop.members.service import lock_member
from coop.onward.models import ERASED_NAME, ReferenceStatement, ReferenceStatus, WorkRecord
from coop.rota.models import Assignment
from coop.settings import service as settings
from coop.settings.keys import K
from coop.skillshare.models import SignUp, SkillSession
from coop.text import written
from coop.timesheets.models import TimesheetEntry, TimesheetStatus, worked_minutes
from coop.timeutil import format_date, to_london, utcnow

RECORD_VALID_DAYS = 365
REFERENCE_MAX = 1500
# Crockford's base32: no I, L, O or U, so a code read aloud or typed is not mistaken.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_GROUPS, CODE_GROUP_LEN = 4, 4  # 16 characters, 80 bits

SECTIONS = {
    "time": N_("Time in the co-op"),
    "work": N_("Paid work, by service and year"),
    "kinds": N_("Kinds of work"),
    "sectors": N_("Kinds of organisation worked for"),
    "involvement": N_("Paid involvement roles"),
    "skills": N_("Skills gained through skill-sharing"),
    "taught": N_("Sessions taught to other members"),
    "reference": N_("Reference from the co-op"),
}


@dataclass
class Section:
    key: str
    title: str
    lines: list[str] = field(default_factory=list)


def _hours(minutes: int) -> str:
    h = minutes / 60
    whole = h == int(h)
    # A part hour reads as a plural (2 picks the plural form in English and in Polish).
    return ngettext(
        "%(hours)s hour",
        "%(hours)s hours",
        int(h) if whole else 2,
        hours=number_text(h, places=0 if whole else 1),
    )


def facts(session: Session, member: Member) -> list[Section]:
    """Every section a record can hold, worked out now from approved work and skill-sharing.
    Sections with nothing to say are empty (and are left off a record)."""
    rows = session.execute(
        select(
            TimesheetEntry.actual_start,
            TimesheetEntry.actual_end,
            TimesheetEntry.break_minutes,
            Service.name,
            Service.involvement,
            Skill.name,
            Client.sector,
        )
        .join(Assignment, Assignment.id == TimesheetEntry.assignment_id)
        .join(Shift, Shift.id == Assignment.shift_id)
        .join(Service, Service.id == Shift.service_id)
        .join(Skill, Skill.id == Service.skill_id)
        .join(Client, Client.id == Shift.client_id)
        .where(TimesheetEntry.member_id == member.id, TimesheetEntry.status == TimesheetStatus.APPROVED)
    ).all()
    work: dict[tuple[int, str], int] = defaultdict(int)
    involvement: dict[str, int] = defaultdict(int)
    kinds, sectors = set(), set()
    for start, end, brk, service, is_involvement, skill, sector in rows:
        minutes = worked_minutes(start, end, brk)
        if is_involvement:
            involvement[service] += minutes
        else:
            work[(to_london(start).year, service)] += minutes
            kinds.add(skill)
            sectors.add(SECTORS.get(sector, SECTORS["other"]))
    gained = session.execute(
        select(Skill.name, SkillSession.starts_at)
        .join(SkillSession, SkillSession.skill_id == Skill.id)
        .join(SignUp, SignUp.session_id == SkillSession.id)
        .where(SignUp.member_id == member.id, SignUp.attended.is_(True))
        .order_by(SkillSession.starts_at)
    ).all()
    taught = session.execute(
        select(SkillSession.title, Skill.name, SkillSession.starts_at)
        .join(Skill, Skill.id == SkillSession.skill_id)
        .where(
            SkillSession.teacher_id == member.id,
            SkillSession.cancelled.is_(False),
            SkillSession.ends_at <= utcnow(),
        )
        .order_by(SkillSession.starts_at)
    ).all()
    ref = approved_reference(session, member)
    since = to_london(member.created_at)
    months = max(0, (utcnow().year - since.year) * 12 + utcnow().month - since.month)
    out = [
        Section(
            "time",
            _(SECTIONS["time"]),
            [
                _(
                    "Member since %(month)s (%(months)s).",
                    month=format_date(since, "MMMM y"),
                    months=_months(months),
                )
            ],
        ),
        Section(
            "work",
            _(SECTIONS["work"]),
            [f"{year}: {service}, {_hours(m)}" for (year, service), m in sorted(work.items())],
        ),
        Section("kinds", _(SECTIONS["kinds"]), sorted(kinds)),
        Section("sectors", _(SECTIONS["sectors"]), sorted(sectors)),
        Section(
            "involvement",
            _(SECTIONS["involvement"]),
            [f"{service}, {_hours(m)}" for service, m in sorted(involvement.items())],
        ),
        Section(
            "skills", _(SECTIONS["skills"]), [f"{name} ({format_date(at, 'MMMM y')})" for name, at in gained]
        ),
        Section(
            "taught",
            _(SECTIONS["taught"]),
            [f"{title} ({skill}, {format_date(at, 'MMMM y')})" for title, skill, at in taught],
        ),
        Section("reference", _(SECTIONS["reference"]), [ref.text] if ref else []),
    ]
    return out


def _months(n: int) -> str:
    if n < 1:
        return _("less than a month")
    years, months = divmod(n, 12)
    year_words = ngettext("%(num)s year", "%(num)s years", years)
    month_words = ngettext("%(num)s month", "%(num)s months", months)
    if years and months:
        return _("%(years)s and %(months)s", years=year_words, months=month_words)
    return year_words if years else month_words


def coop_names(session: Session) -> dict[str, str]:
    """How the co-op can be named on a record: its full name, or the neutral trading name."""
    full, neutral = settings.get(session, K.COOP_NAME), settings.get(session, K.COOP_TRADING_NAME)
    return {"full": full, "neutral": neutral or full}


def new_code() -> str:
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUPS * CODE_GROUP_LEN))
    return "-".join(raw[i : i + CODE_GROUP_LEN] for i in range(0, len(raw), CODE_GROUP_LEN))


def normalise_code(text: str) -> str:
    """What someone typed, as a code: upper case, the easily confused letters read as digits."""
    raw = "".join(ch for ch in text.upper() if ch.isalnum())
    raw = raw.translate(str.maketrans("OIL", "011"))
    return "-".join(raw[i : i + CODE_GROUP_LEN] for i in range(0, len(raw), CODE_GROUP_LEN))


def make_record(
    session: Session, member: Member, sections: set[str], *, name_as: str, now: datetime | None = None
) -> WorkRecord:
    """Freeze the chosen sections as they are now, with a new code."""
    now = now or utcnow()
    if name_as not in ("full", "neutral"):
        raise DomainError(_("Choose how the co-op is named on your record."), field="name_as")
    unknown = sections - SECTIONS.keys()
    if unknown or not sections:
        raise DomainError(_("Choose at least one thing to include."), field="sections")
    chosen = [s for s in facts(session, member) if s.key in sections and s.lines]
    if not chosen:
        raise DomainError(
            _("There is nothing yet in what you chose. Pick something with entries in it."), field="sections"
        )
    with write_transaction(session):
        rec = WorkRecord(
            member_id=member.id,
            code=new_code(),
            created_at=now,
            expires_at=now + timedelta(days=RECORD_VALID_DAYS),
            person_name=member.display_name,
            coop_name=coop_names(session)[name_as],
            content=json.dumps([asdict(s) for s in chosen]),
        )
        session.add(rec)
    return rec


def sections_of(rec: WorkRecord) -> list[Section]:
    """The frozen sections, their titles in the reader's words (the lines are as they were made)."""
    found = [Section(**s) for s in json.loads(rec.content)]
    for s in found:
        if s.key in SECTIONS:
            s.title = _(SECTIONS[s.key])
    return found


def as_text(rec: WorkRecord, verify_url: str) -> str:
    """The record as plain text, to paste into a CV."""
    lines = [
        _("Work record: %(name)s", name=rec.person_name),
        _("%(coop)s (a workers' co-operative)", coop=rec.coop_name),
        _(
            "Made on %(day)s; figures as they were that day.",
            day=format_date(rec.created_at, "d MMMM y"),
        ),
        "",
    ]
    for s in sections_of(rec):
        lines.append(s.title)
        lines.extend(f"- {line}" for line in s.lines)
        lines.append("")
    lines.append(_("Check it at %(url)s (code %(code)s).", url=verify_url, code=rec.code))
    return "\n".join(lines) + "\n"


def my_records(session: Session, member: Member) -> list[WorkRecord]:
    return list(
        session.scalars(
            select(WorkRecord).where(WorkRecord.member_id == member.id).order_by(WorkRecord.id.desc())
        )
    )


def my_record(session: Session, member: Member, record_id: int) -> WorkRecord:
    rec = session.get(WorkRecord, record_id)
    if rec is None or rec.member_id != member.id:
        raise NotFound(_("No such record."))
    return rec


def withdraw(session: Session, member: Member, record_id: int, *, now: datetime | None = None) -> None:
    """The member withdraws a record: from now on its link says so, and shows nothing else."""
    member_id = member.id
    with write_transaction(session):
        rec = lock(session, WorkRecord, record_id)
        if rec is None or rec.member_id != member_id:
            raise NotFound(_("No such record."))
        if rec.withdrawn_at is None:
            rec.withdrawn_at = now or utcnow()


class VerifyProblem(DomainError):
    def __init__(self, state: str, message: str) -> None:
        super().__init__(message)
        self.state = state


def verify(session: Session, code: str, *, now: datetime | None = None) -> WorkRecord:
    """The record a code opens, or VerifyProblem saying plainly why not (and nothing more)."""
    now = now or utcnow()
    rec = session.scalar(select(WorkRecord).where(WorkRecord.code == normalise_code(code)))
    if rec is None:
        raise VerifyProblem(
            "unknown", _("No work record has this code. Check it against the one you were given.")
        )
    if rec.withdrawn_at is not None and rec.person_name == ERASED_NAME:
        raise VerifyProblem(
            "erased", _("This record was withdrawn at the person's request, and their details erased.")
        )
    if rec.withdrawn_at is not None:
        raise VerifyProblem("withdrawn", _("The person this record belongs to has withdrawn it."))
    if rec.expires_at <= now:
        raise VerifyProblem("expired", _("This record has expired. Ask the person for a new one."))
    return rec


# --- references -------------------------------------------------------------------------------


def propose_reference(session: Session, member_id: int, text: str, *, actor_id: int) -> ReferenceStatement:
    """A coordinator writes a short reference; the member is told and decides whether to use it."""
    words = written(text, most=REFERENCE_MAX, field="text", empty=_("Write the reference first."))
    with write_transaction(session):
        member = lock_member(session, member_id)
        ref = ReferenceStatement(member_id=member_id, written_by_id=actor_id, text=words)
        session.add(ref)
        mail.queue(session, member.user.email, "reference_written", name=member.first_name)
        audit(session, actor_id, "reference.written", ("member", member_id), {}, {})
    return ref


def references(session: Session, member: Member) -> list[ReferenceStatement]:
    return list(
        session.scalars(
            select(ReferenceStatement)
            .where(ReferenceStatement.member_id == member.id)
            .order_by(ReferenceStatement.id.desc())
        )
    )


def approved_reference(session: Session, member: Member) -> ReferenceStatement | None:
    return session.scalar(
        select(ReferenceStatement)
        .where(
            ReferenceStatement.member_id == member.id, ReferenceStatement.status == ReferenceStatus.APPROVED
        )
        .order_by(ReferenceStatement.decided_at.desc(), ReferenceStatement.id.desc())
        .limit(1)
    )


def decide_reference(session: Session, member: Member, reference_id: int, *, approve: bool) -> None:
    """The member approves a reference (it can then go on their records) or declines it. The member
    is locked first, so two approvals at once leave exactly one approved."""
    member_id = member.id
    with write_transaction(session):
        lock(session, Member, member_id)
        ref = lock(session, ReferenceStatement, reference_id)
        if ref is None or ref.member_id != member_id:
            raise NotFound(_("No such reference."))
        if ref.status != ReferenceStatus.WAITING:
            raise DomainError(_("You have already decided about this reference."))
        if approve:  # one approved reference at a time: the newest
            session.execute(
                update(ReferenceStatement)
                .where(
                    ReferenceStatement.member_id == member_id,
                    ReferenceStatement.status == ReferenceStatus.APPROVED,
                )
                .values(status=ReferenceStatus.DECLINED)
                .execution_options(synchronize_session=False)
            )
        ref.status, ref.decided_at = ("approved" if approve else "declined"), utcnow()
