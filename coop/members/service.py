"""Members and skills: profiles, invitations, status, and the skill list coordinators keep."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload, selectinload

from coop.auth import service as auth
from coop.auth.models import Role, User
from coop.db import found, lock, same_name, serialize, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.mail import service as mail
from coop.members.models import Member, MemberStatus, Skill, member_skill
from coop.timeutil import today_london


def member_for_user(session: Session, user_id: int) -> Member | None:
    return session.scalar(select(Member).where(Member.user_id == user_id))


def get_member(session: Session, member_id: int) -> Member:
    return found(session, Member, member_id, "No such member.")


def _member_filters(status: str | None, skill_id: int | None) -> list[Any]:
    where: list[Any] = []
    if status:
        where.append(Member.status == status)
    if skill_id:
        where.append(Member.skills.any(Skill.id == skill_id))
    return where


def list_members(
    session: Session,
    *,
    status: str | None = None,
    skill_id: int | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> list[Member]:
    """Members by name (a page of them with `limit`), with their accounts and skills."""
    stmt = (
        select(Member)
        .options(joinedload(Member.user), selectinload(Member.skills))
        .where(*_member_filters(status, skill_id))
        .order_by(func.lower(Member.display_name), Member.id)
        .offset(offset)
        .limit(limit)
    )
    return list(session.scalars(stmt))


def count_members(session: Session, *, status: str | None = None, skill_id: int | None = None) -> int:
    stmt = select(func.count()).select_from(Member).where(*_member_filters(status, skill_id))
    return session.scalar(stmt) or 0


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise DomainError(_("Enter a name."), field="display_name")
    if len(name) > 80:
        raise DomainError(_("Use at most 80 characters for the name."), field="display_name")
    return name


def update_profile(
    session: Session,
    member: Member,
    *,
    display_name: str,
    pronouns: str,
    phone: str,
    status: str,
    allow_left: bool = False,
) -> None:
    """A member updates their own profile (or a coordinator does it for them). Only a
    coordinator can mark someone as having left."""
    allowed = {MemberStatus.ACTIVE, MemberStatus.PAUSED} | ({MemberStatus.LEFT} if allow_left else set())
    if status not in allowed:
        raise DomainError(_("Choose active or paused."), field="status")
    name = _clean_name(display_name)
    with write_transaction(session):
        lock_member(session, member.id)  # the status is a fact every claim reads under this lock
        member.display_name = name
        member.pronouns = pronouns.strip()[:40]
        member.phone = phone.strip()[:40]
        if status == MemberStatus.LEFT and member.status != MemberStatus.LEFT:
            member.left_on = today_london()
        elif status != MemberStatus.LEFT:
            member.left_on = None
        member.status = status


def lock_member(session: Session, member_id: int) -> Member:
    """Inside write_transaction: the member's row, locked (and any loaded copy refreshed from it).
    Every claim takes it first, before reading the member's skills, status, availability and
    limit; every change to those takes it too, so the two are taken one after the other."""
    member = lock(session, Member, member_id)
    if member is None:
        raise NotFound("No such member.")
    return member


def set_skills(session: Session, member: Member, skill_ids: Sequence[int]) -> None:
    with write_transaction(session):
        lock_member(session, member.id)
        skills = list(session.scalars(select(Skill).where(Skill.id.in_(skill_ids)))) if skill_ids else []
        if len(skills) != len(set(skill_ids)):
            raise DomainError(_("One of those skills does not exist."), field="skills")
        member.skills = skills


def invite_member(
    session: Session,
    *,
    email: str,
    display_name: str,
    skill_ids: Sequence[int],
    invite_link: Callable[[User], str],
    coop_name: str,
) -> Member:
    """Create the account (no password yet) and member profile, and email an invitation link
    with which the person sets their own password."""
    with write_transaction(session):
        return invite_member_within(
            session,
            email=email,
            display_name=display_name,
            skill_ids=skill_ids,
            invite_link=invite_link,
            coop_name=coop_name,
        )


def invite_member_within(
    session: Session,
    *,
    email: str,
    display_name: str,
    skill_ids: Sequence[int],
    invite_link: Callable[[User], str],
    coop_name: str,
) -> Member:
    """invite_member inside the caller's write_transaction (an enquiry turned into an invitation
    is one operation with the enquiry's end)."""
    name = _clean_name(display_name)
    user = auth.create_user_within(session, email, [Role.MEMBER])
    member = Member(user=user, display_name=name)
    if skill_ids:
        member.skills = list(session.scalars(select(Skill).where(Skill.id.in_(skill_ids))))
    session.add(member)
    session.flush()
    mail.queue(
        session,
        user.email,
        "invitation",
        name=member.display_name,
        link=invite_link(user),
        coop_name=coop_name,
    )
    return member


def resend_invitation(
    session: Session, user: User, *, invite_link: Callable[[User], str], coop_name: str, name: str
) -> None:
    if user.password_hash is not None:
        raise DomainError(_("This person has already set their password."))
    with write_transaction(session):
        mail.queue(session, user.email, "invitation", name=name, link=invite_link(user), coop_name=coop_name)


# --- skills --------------------------------------------------------------------------------


def list_skills(session: Session) -> list[Skill]:
    return list(session.scalars(select(Skill).order_by(Skill.name)))


def skill_member_counts(session: Session) -> dict[int, int]:

    rows = session.execute(select(member_skill.c.skill_id, func.count()).group_by(member_skill.c.skill_id))
    return {skill_id: count for skill_id, count in rows}


def save_skill(session: Session, name: str, description: str, skill: Skill | None = None) -> Skill:
    name = " ".join(name.split())
    if not name or len(name) > 80:
        raise DomainError(_("Enter a skill name of up to 80 characters."), field="name")
    skill_id = skill.id if skill is not None else None
    with write_transaction(session):
        serialize(session, "skill names")  # two new skills of one name at once: one is refused
        clash = session.scalar(select(Skill).where(same_name(Skill.name, name)).limit(1))
        if clash is not None and clash.id != skill_id:
            raise DomainError(_("There is already a skill with that name."), field="name")
        saved = Skill(name=name) if skill_id is None else session.get(Skill, skill_id)
        if saved is None:
            raise NotFound("No such skill.")
        session.add(saved)
        saved.name = name
        saved.description = description.strip()[:2000]
    return saved


def get_skill(session: Session, skill_id: int) -> Skill:
    return found(session, Skill, skill_id, "No such skill.")
