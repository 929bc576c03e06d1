"""A believable small co-op for trying Co-op Works out: `coop demo` (safe to run twice)."""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from coop.auth import service as auth
from coop.auth.models import User
from coop.businesses import service as businesses
from coop.db import write_transaction
from coop.demo.business import bank_statement, invoiced_fortnight, load_business
from coop.demo.community import (
    chris_limit_and_offer,
    client_voice,
    community,
    enquiries,
    notification_choices,
    onward,
)
from coop.demo.cover import cover_story
from coop.mail.service import base_url_of
from coop.members.models import Member, MemberStatus, Skill

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
    user = auth.create_user_within(session, email, roles)
    user.password_hash = auth.hash_password(DEMO_PASSWORD)
    return user


def _businesses(session: Session, actor_id: int, helpline_lead_id: int) -> dict[str, int]:
    """Three businesses: the co-op's own (cleaning, gardening, admin, involvement work), a
    catering team and the employment helpline. The service names each one runs."""
    catering = businesses.save_business(
        session,
        businesses.BusinessData(
            "Anytown Catering",
            "Buffets and refreshments for meetings and events, made by a friendly team.",
            "catering@demo.coop.works",
            "01234 567 001",
            "AC-",
        ),
        actor_id=actor_id,
    )
    helpline = businesses.save_business(
        session,
        businesses.BusinessData(
            "Co-op Works Helpline",
            "A telephone helpline answered by people who know the benefits system and work from experience.",
            "helpline@demo.coop.works",
            "0800 000 0001",
            "HL-",
        ),
        actor_id=actor_id,
    )
    businesses.set_leads(session, helpline.id, [helpline_lead_id], actor_id=actor_id)
    return {"Event catering": catering.id, "Telephone helpline": helpline.id}


def load_demo(
    session: Session,
    progress: Callable[[int], None] | None = None,
    *,
    render_html: Callable[[Any], str] | None = None,
    invoice_dir: Path | None = None,
    base_url: str | None = None,
) -> bool:
    """Load the demo co-op unless it is already there. Returns True when it created it. With a
    renderer and a folder, it also issues an invoice (so every booking state is there)."""
    step = progress or (lambda _n: None)
    if auth.find_user(session, DEMO_LOGINS["accounts"][0][1]) is not None:
        step(100)
        return False
    with write_transaction(session):
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
        # Leads the helpline (the demo's other coordinators see every business).
        helpline_lead = _user(session, "helpline@demo.coop.works", ["coordinator"])
    step(20)
    business_of = _businesses(session, coordinator.id, helpline_lead.id)
    load_business(session, skills, client_user, coordinator.id, rng, business_of)
    if render_html is not None and invoice_dir is not None:
        # Emailed links are built from the site's BASE_URL (which the session carries) unless given.
        invoiced_fortnight(
            session, coordinator.id, render_html, invoice_dir, base_url or base_url_of(session)
        )
        bank_statement(session, coordinator.id)
    community(session, skills)
    chris_limit_and_offer(session)
    notification_choices(session)
    client_voice(session, client_user.id)
    cover_story(session, client_user.id)
    onward(session, coordinator.id)
    enquiries(session, coordinator.id)
    step(20)
    return True
