"""Done when: a member who used every feature is erased, and then nothing says who they were.

Chris Taylor, the demo co-op's member, has shifts, hours, pay, an invoice, a limit, an offer,
votes, a comment, a decision, a skill session taught, a work record with an approved reference
and a verify code, interest in a job with a help conversation; here he also gets a weekly pattern,
time off with a note, a calendar feed, a note on his hours, a private opportunity note, a
swap offer, a surplus share, an expense, a pay run and a place on a coming skill session. He asks
for erasure, a coordinator confirms it, and then every page reachable by each role, every text
column of the database, the issued invoices and the outbox are searched for anything that was his.
"""

from __future__ import annotations

import json
from datetime import time, timedelta
from pathlib import Path

from sqlalchemy import String, Text, select, update

from coop.governance.models import Proposal, SurplusShare
from coop.limits import service as limits
from coop.mail.models import OutboxMessage
from coop.members.models import ErasureRequest, Member, Skill
from coop.onward import opportunities
from coop.onward.models import OpportunityInterest, WorkRecord
from coop.pay.models import Expense, PayAdjustment
from coop.rota import service as rota
from coop.rota.models import Assignment
from coop.schema import Base
from coop.skillshare import service as skillshare
from coop.skillshare.models import SignUp, SkillSession
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import today_london, utcnow
from tests import factories
from tests.conftest import pdf_text, signed_in
from tests.crawl import crawl

EMAIL = "member@demo.coop.works"
# What was Chris's and must be found nowhere after the erasure.
SECRETS = [
    "Chris Taylor",
    "Taylor",
    EMAIL,
    "07700 900123",  # his phone
    "Saturday mornings suit me best",  # his comment
    "help me with the application form",  # his help message
    "07700 911911",  # a phone number in another help message
    "Hi Chris",  # a coordinator's reply that names him
    "12 Quince Lane",  # his private opportunity note
    "dentist after lunch",  # his time-off note
    "knee was sore",  # his note on his hours
    "calm with the public",  # his reference
    "Bring gloves if you have them",  # what he wrote about the session he taught
    "£187.31",  # his own earnings limit
    "187.31",
]
ROLES = {
    "coordinator": ["/home", "/erasure-requests", "/people", "/audit"],
    "admin": ["/home", "/people"],
    "client": ["/home"],
}


def _every_feature(session, chris: Member, other: Member) -> tuple[str, int, int]:
    """Give Chris what the demo has not; return his work record's code, his coming place and
    the coming skill session he signed up for."""
    rota.set_weekly_pattern(session, chris, [(d, time(8), time(20)) for d in range(7)])
    far = today_london() + timedelta(days=40)
    rota.add_time_off(session, chris, far, far, "dentist after lunch", today=today_london())
    rota.regenerate_feed(session, chris)
    limits.set_limit(
        session, chris, limits.LimitData(18731, None), actor_id=chris.user_id, by_coordinator=False
    )
    interest = session.scalars(
        select(OpportunityInterest).where(OpportunityInterest.member_id == chris.id)
    ).one()
    opportunities.update(session, chris, interest.id, status="applied", note="Post goes to 12 Quince Lane")
    opportunities.ask_for_help(session, chris, interest.id, "Ring me on 07700 911911 please")
    coordinator = session.scalars(select(Member).where(Member.display_name == "Jo Fletcher")).one()
    opportunities.reply(session, interest.id, "Hi Chris, happy to help.", actor_id=coordinator.user_id)
    session.execute(
        update(TimesheetEntry)
        .where(TimesheetEntry.member_id == chris.id)
        .values(member_note="My knee was sore")
    )
    # The session he teaches took place last week (a coming one would stop the erasure).
    taught = session.scalars(select(SkillSession).where(SkillSession.teacher_id == chris.id)).one()
    taught.starts_at, taught.ends_at = utcnow() - timedelta(days=7), utcnow() - timedelta(days=7, hours=-2)
    decided = session.scalars(select(Proposal).where(Proposal.created_by_id == chris.id)).first()
    adjustment = PayAdjustment(member_id=chris.id, amount_pence=4321, reason="Surplus share")
    session.add(adjustment)
    session.flush()
    session.add(
        SurplusShare(
            proposal_id=decided.id,
            member_id=chris.id,
            minutes=600,
            amount_pence=4321,
            taken_pence=4321,
            status="paid",
            adjustment_id=adjustment.id,
        )
    )
    session.add(
        Expense(
            member_id=chris.id, kind="travel", spent_on=today_london(), description="Bus", amount_pence=420
        )
    )
    session.commit()
    lesson = skillshare.offer_session(
        session,
        other,
        skillshare.SessionData(
            taught.skill_id,
            "Knots",
            "Rope work",
            "The hall",
            utcnow() + timedelta(days=5),
            utcnow() + timedelta(days=5, hours=1),
            4,
        ),
    )
    skillshare.sign_up(session, chris, lesson.id)
    # A coming shift of his, offered to swap.
    coming = [
        o
        for o in rota.open_shifts_for(session, chris)
        if o.fit.fits and o.shift.starts_at > utcnow() + timedelta(days=2)
    ]
    held = rota.claim(session, chris.id, coming[0].shift.id)
    rota.offer_swap(session, chris.id, held.id)
    code = session.scalars(select(WorkRecord.code).where(WorkRecord.member_id == chris.id)).one()
    return code, held.id, lesson.id


def _found(text: str) -> list[str]:
    """Each secret found, with what surrounds it."""
    low = text.lower()
    out = []
    for secret in SECRETS:
        at = low.find(secret.lower())
        if at >= 0:
            out.append(f"{secret}: …{text[max(0, at - 150) : at + 60]}…")
    return out


def test_an_erased_member_leaves_no_trace_on_any_page_file_or_code(demo, make_web, app):
    session = demo
    chris = session.scalars(select(Member).where(Member.display_name == "Chris Taylor")).one()
    taught = session.scalars(select(SkillSession).where(SkillSession.teacher_id == chris.id)).one()
    gardening = session.get(Skill, taught.skill_id)
    other = factories.member(session, name="Robin Ash", email="robin@example.org", skills=[gardening])
    code, place_id, lesson_id = _every_feature(session, chris, other)
    feed = rota.regenerate_feed(session, chris)  # a new address, shown once: only its digest is kept
    anon = make_web()
    assert anon.get(f"/calendar/member/{feed}.ics").status_code == 200
    assert "Chris Taylor" in anon.get(f"/verify/{code}").get_data(as_text=True)  # before: it names him

    me = signed_in(make_web, "member")
    data = json.loads(me.get("/me/data.json").get_data(as_text=True))
    for section in (
        "work_records",
        "references",
        "opportunity_interest",
        "help_messages",
        "sessions_taught",
        "swap_offers",
        "surplus_shares",
        "availability",
        "time_off",
    ):
        assert data[section], section
    assert me.post("/me/erase").status_code == 302
    session.rollback()
    req = session.scalars(select(ErasureRequest)).one()
    coordinator = signed_in(make_web, "coordinator")
    page = coordinator.get(f"/erasure-requests/{req.id}/erase").get_data(as_text=True)
    assert "What is kept, and why" in page and "HMRC" in page
    assert coordinator.post(f"/erasure-requests/{req.id}/erase").status_code == 302
    session.rollback()
    assert session.get(ErasureRequest, req.id).status == "erased"

    # The public code says it was withdrawn, and nothing more.
    r = anon.get(f"/verify/{code}")
    assert r.status_code == 410 and "withdrawn at the person" in r.get_data(as_text=True)
    assert _found(r.get_data(as_text=True)) == []

    # Every page each role can reach.
    pages = 0
    webs = {role: signed_in(make_web, role) for role in ROLES}
    webs["another member"] = make_web()
    webs["another member"].login("robin@example.org")
    webs["anonymous"] = make_web()
    his = f"/members/{chris.id}"
    starts = {
        **ROLES,
        "coordinator": [
            *ROLES["coordinator"],
            his,
            f"{his}/limit",
            f"{his}/reference",
            "/opportunities/interest",
            f"/learning/{taught.id}",
            "/rota",
            "/rota/grid",
            "/pay",
        ],
        "admin": [*ROLES["admin"], f"/people/{chris.user_id}/roles"],
        "another member": ["/home", f"/learning/{taught.id}"],
        "anonymous": ["/", "/directory", f"/verify/{code}", "/login"],
    }
    for role, web in webs.items():
        for url, html in crawl(web, starts[role]).items():
            pages += 1
            assert _found(html) == [], f"{role} {url}: {_found(html)}"
    assert pages > 150  # 237 when written
    assert webs["anonymous"].get(f"/calendar/member/{feed}.ics").status_code == 404
    for url in ("/impact.csv", "/rota/grid.pdf"):
        body = webs["coordinator"].get(url).get_data()
        text = body.decode("utf-8", "replace") if url.endswith(".csv") else pdf_text(body)
        assert _found(text) == [], url

    # Every text column of every table (only the email saying it is done goes to his address).
    for table in Base.metadata.sorted_tables:
        cols = [c for c in table.columns if isinstance(c.type, String | Text)]
        for row in session.execute(select(*cols)) if cols else []:
            for value in row:
                if table.name == "outbox_message" and value == EMAIL:
                    continue
                assert not value or _found(str(value)) == [], f"{table.name}: {value!r}"
    to_him = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == EMAIL)).all()
    assert [m.subject for m in to_him] == ["Your details have been erased"]

    # Every file written: issued invoices (as text) and anything else in the folders.
    for folder in (Path(app.config["INVOICE_DIR"]), Path(app.config["UPLOAD_DIR"])):
        for path in folder.rglob("*"):
            if path.suffix == ".pdf":
                text = pdf_text(path.read_bytes())
            elif path.is_file():
                text = path.read_bytes().decode("utf-8", "replace")
            else:
                continue
            assert _found(text) == [], f"{path.name}: {_found(text)}"

    # His coming shift and his skill-session place went back to others, in the same erasure.
    assert session.get(Assignment, place_id).status == "dropped"
    assert session.scalar(select(SignUp.status).where(SignUp.session_id == lesson_id)) == "cancelled"
