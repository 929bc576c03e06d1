"""Who may take a shift: the rota's rules, worked out from facts loaded in bulk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta

from sqlalchemy import (
    BindParameter,
    CompoundSelect,
    Date,
    Integer,
    Time,
    bindparam,
    exists,
    literal,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from coop.bookings.models import Shift, ShiftStatus
from coop.db import UTCDateTime, union_part
from coop.i18n import N_
from coop.i18n import gettext as _
from coop.members.models import Member, MemberStatus, member_skill
from coop.rota.models import (
    Assignment,
    AssignmentStatus,
    Availability,
    TimeOff,
)
from coop.rota.rules import MemberFacts, RotaRules, ShiftFacts, blocking_reasons
from coop.settings import service as settings
from coop.settings.keys import K
from coop.skillshare.models import SkillSession
from coop.timeutil import to_london


def rules_from_settings(session: Session) -> RotaRules:
    return RotaRules(
        travel_buffer=timedelta(minutes=settings.get(session, K.TRAVEL_BUFFER_MINUTES)),
        min_rest=timedelta(hours=settings.get(session, K.MIN_REST_HOURS)),
    )


# member_facts' statement, built once (each call only binds its values): their weekly pattern,
# their time off, the shifts they hold and the skill-sharing sessions they teach, one UNION ALL
# (one round trip): `kind` says which part a row comes from, the other parts' columns are null.
_IDS: BindParameter[int] = bindparam("ids", expanding=True)
_PATTERN, _TIME_OFF, _HELD, _TEACHING = 0, 1, 2, 3


# The columns every part has, in order.
_SHAPE = (
    ("member_id", Integer),
    ("kind", Integer),
    ("weekday", Integer),
    ("start_time", Time),
    ("end_time", Time),
    ("first_day", Date),
    ("last_day", Date),
    ("starts_at", UTCDateTime),
    ("ends_at", UTCDateTime),
    ("paid_by", Integer),
)

_FACTS: CompoundSelect = union_all(
    select(
        *union_part(
            _SHAPE,
            member_id=Availability.member_id,
            kind=literal(_PATTERN, Integer),
            weekday=Availability.weekday,
            start_time=Availability.start_time,
            end_time=Availability.end_time,
        )
    ).where(Availability.member_id.in_(_IDS)),
    select(
        *union_part(
            _SHAPE,
            member_id=TimeOff.member_id,
            kind=literal(_TIME_OFF, Integer),
            first_day=TimeOff.first_day,
            last_day=TimeOff.last_day,
        )
    ).where(
        TimeOff.member_id.in_(_IDS),
        TimeOff.last_day >= bindparam("first_day"),
        TimeOff.first_day <= bindparam("last_day"),
    ),
    select(
        *union_part(
            _SHAPE,
            member_id=Assignment.member_id,
            kind=literal(_HELD, Integer),
            starts_at=Shift.starts_at,
            ends_at=Shift.ends_at,
        )
    )
    .join(Shift, Shift.id == Assignment.shift_id)
    .where(
        Assignment.member_id.in_(_IDS),
        Assignment.held(),
        Assignment.id != bindparam("exclude"),  # 0 leaves none out: ids start at 1
        Shift.status == ShiftStatus.SCHEDULED,
        Shift.ends_at > bindparam("lo", type_=Shift.ends_at.type),
        Shift.starts_at < bindparam("hi", type_=Shift.starts_at.type),
    ),
    select(
        *union_part(
            _SHAPE,
            member_id=SkillSession.teacher_id,
            kind=literal(_TEACHING, Integer),
            starts_at=SkillSession.starts_at,
            ends_at=SkillSession.ends_at,
            paid_by=SkillSession.paid_shift_id,
        )
    ).where(
        SkillSession.teacher_id.in_(_IDS),
        SkillSession.cancelled.is_(False),
        SkillSession.ends_at > bindparam("lo", type_=SkillSession.ends_at.type),
        SkillSession.starts_at < bindparam("hi", type_=SkillSession.starts_at.type),
    ),
)


def member_facts(
    session: Session,
    members: Sequence[Member],
    around: tuple[datetime, datetime],
    *,
    exclude_assignment: int | None = None,
    skills: dict[int, frozenset[int]] | None = None,
) -> dict[int, MemberFacts]:
    """Everything the rules need about these members near a time range, in two statements (one
    when the caller already knows their skills): their skills; their weekly pattern, time off,
    the shifts they hold and the skill-sharing sessions they teach."""
    ids = [m.id for m in members]
    facts = {
        m.id: MemberFacts(
            m.id,
            m.status == MemberStatus.ACTIVE,
            skills[m.id] if skills is not None else frozenset(s.id for s in m.skills),
        )
        for m in members
    }
    if not ids:
        return facts
    lo, hi = around
    first_day, last_day = to_london(lo).date(), to_london(hi).date()
    values = {"ids": ids, "first_day": first_day, "last_day": last_day, "lo": lo, "hi": hi}
    for r in session.execute(_FACTS, {**values, "exclude": exclude_assignment or 0}):
        member = facts[r.member_id]
        if r.kind == _PATTERN:
            member.windows.setdefault(r.weekday, []).append((r.start_time, r.end_time))
        elif r.kind == _TIME_OFF:
            member.time_off.append((r.first_day, r.last_day))
        elif r.kind == _HELD:
            member.busy.append((r.starts_at, r.ends_at))
        else:
            member.teaching.append((r.starts_at, r.ends_at, r.paid_by))
    return facts


def shift_facts(shift: Shift) -> ShiftFacts:
    return ShiftFacts(shift.id, shift.service.skill_id, shift.starts_at, shift.ends_at)


def _window(shift: Shift, rules: RotaRules) -> tuple[datetime, datetime]:
    return shift.starts_at - rules.reach - timedelta(days=1), shift.ends_at + rules.reach + timedelta(days=1)


def free_members(
    session: Session, members: Sequence[Member], starts_at: datetime, ends_at: datetime
) -> list[Member]:
    """Those whose pattern, time off and other shifts allow them to work then (skills aside),
    found with the same few queries however many members there are."""
    rules = rules_from_settings(session)
    all_facts = member_facts(session, members, (starts_at - rules.reach, ends_at + rules.reach))
    free = []
    for m in members:
        f = all_facts[m.id]
        f = replace(f, active=True, skill_ids=frozenset({0}))  # skills aside: the rest of the rule
        if not blocking_reasons(f, ShiftFacts(0, 0, starts_at, ends_at), rules):
            free.append(m)
    return free


def shift_problems(
    session: Session,
    member: Member,
    shift: Shift,
    *,
    now: datetime,
    exclude_assignment: int | None = None,
) -> list[str]:
    """Why this member cannot take a slot on this shift now, in plain words (empty if they can).
    Limit figures are never part of this: see limits.check for the member's own view."""
    if shift.status != ShiftStatus.SCHEDULED:
        return [N_("This shift has been cancelled.")]
    if shift.starts_at <= now:
        return [N_("This shift has already started.")]
    skill_id = shift.service.skill_id
    # Whether they hold it already and whether they have its skill, in one round trip.
    held, has_skill = session.execute(
        select(
            select(Assignment.status)
            .where(
                Assignment.shift_id == shift.id,
                Assignment.member_id == member.id,
                Assignment.status.in_((AssignmentStatus.ACCEPTED, AssignmentStatus.ASKED)),
            )
            .limit(1)
            .scalar_subquery(),
            exists().where(member_skill.c.member_id == member.id, member_skill.c.skill_id == skill_id),
        )
    ).one()
    if held is not None and exclude_assignment is None:
        if held == AssignmentStatus.ASKED:
            return [ASKED_ALREADY]
        return [HOLDS_ALREADY]
    rules = rules_from_settings(session)
    skills = {member.id: frozenset({skill_id}) if has_skill else frozenset()}  # all the rule asks
    facts = member_facts(
        session, [member], _window(shift, rules), exclude_assignment=exclude_assignment, skills=skills
    )
    return blocking_reasons(facts[member.id], shift_facts(shift), rules)


ASKED_ALREADY = N_("has been asked about this shift already: the answer is on My shifts")
HOLDS_ALREADY = N_("already has a place on this shift")

# Each reason as a whole sentence, about "you" and about a member by name: translators see
# sentences, never a name glued to a fragment.
_SENTENCES: dict[str, tuple[str, str]] = {
    ASKED_ALREADY: (
        N_("You have been asked about this shift already: the answer is on My shifts."),
        N_("%(name)s has been asked about this shift already: the answer is on My shifts."),
    ),
    HOLDS_ALREADY: (
        N_("You already have a place on this shift."),
        N_("%(name)s already has a place on this shift."),
    ),
    "is taking a break or has left": (
        N_("You are taking a break or have left."),
        N_("%(name)s is taking a break or has left."),
    ),
    "does not have the skill this work needs": (
        N_("You do not have the skill this work needs."),
        N_("%(name)s does not have the skill this work needs."),
    ),
    "is not available at that time (weekly pattern)": (
        N_("You are not available at that time (weekly pattern)."),
        N_("%(name)s is not available at that time (weekly pattern)."),
    ),
    "has time off then": (
        N_("You have time off then."),
        N_("%(name)s has time off then."),
    ),
    "has another shift too close to this one": (
        N_("You have another shift too close to this one."),
        N_("%(name)s has another shift too close to this one."),
    ),
    "is teaching a skill-sharing session then": (
        N_("You are teaching a skill-sharing session then."),
        N_("%(name)s is teaching a skill-sharing session then."),
    ),
}


def problem_sentence(problem: str, member: Member, *, second_person: bool) -> str:
    """A reason from shift_problems as a sentence, in the reader's words: about "you" when the
    member is asking, else about them by name. Reasons that are already sentences are translated
    as they are."""
    sentences = _SENTENCES.get(problem)
    if sentences is None:
        return _(problem)
    you, them = sentences
    return _(you) if second_person else _(them, name=member.display_name)
