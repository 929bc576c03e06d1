"""Route x role access matrix: every URL rule in the app, with real objects from a co-op of two
clients and several members, for six people, against an explicit expected outcome.

People (columns): anonymous, member (Chris, owns the member objects), other member, coordinator
(Jo, who is also a member), client A (Corner Bakery, owns the client objects), client B (another
client). Outcomes: 200, L (sent to sign in), 403 (wrong role), 404 (not yours, or not there),
400 (bad request), R (any redirect other than to sign in: the action ran or was refused with a
message), * (allowed, and not sent here because it would change the objects the other checks
use: each area's own tests cover it). Every other cell is requested and must match.

A route with no row here fails the test, so a new route has to say who may use it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from coop.auth.service import find_user, hash_password
from coop.bookings import changes
from coop.bookings.clients import regenerate_client_feed
from coop.bookings.models import Booking, Client, ClientContact, Shift
from coop.bookings.service import client_for_user
from coop.businesses import quotes
from coop.cover.models import CoverOffer
from coop.directory.models import DirectoryEntry
from coop.enquiries.models import Enquiry
from coop.governance.models import Proposal, ProposalComment, SurplusShare
from coop.invoicing.models import CreditNote, Invoice, Payment
from coop.members.models import Member, Skill
from coop.onward import opportunities
from coop.onward import service as records
from coop.pay import service as pay
from coop.pay.models import PayStatement
from coop.privacy import erasure
from coop.rota import service as rota
from coop.rota.models import Assignment, Offer
from coop.skillshare.models import SkillSession
from coop.timesheets import service as timesheets
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import today_london, utcnow
from tests import factories
from tests.conftest import PASSWORD, signed_in

PEOPLE = ("anon", "member", "other", "coordinator", "client_a", "client_b")

# method, rule, then one outcome per person in PEOPLE order
TABLE = """
GET  / 200 R R R R R
GET  /account/language L 200 200 200 200 200
GET  /account/password L 200 200 200 200 200
GET  /audit L 403 403 200 403 403
GET  /availability L 200 200 200 403 403
GET  /bookings L 403 403 200 403 403
GET  /bookings/<int:booking_id> L 403 403 200 403 403
GET  /bookings/new L 403 403 200 403 403
GET  /books/journal L 403 403 200 403 403
GET  /books/reconcile L 403 403 200 403 403
GET  /books/statements L 403 403 200 403 403
GET  /businesses L 403 403 200 403 403
GET  /businesses/<int:business_id> L 403 403 200 403 403
GET  /businesses/<int:business_id>/logo 404 404 404 404 404 404
GET  /businesses/new L 403 403 200 403 403
GET  /our-businesses/<int:business_id> 200 200 200 200 200 200
GET  /quotes L 403 403 200 403 403
GET  /quotes/<int:quote_id> L 403 403 200 403 403
GET  /calendar L 200 200 200 403 403
GET  /calendar/client/<token>.ics 200 200 200 200 200 200
GET  /calendar/member/<token>.ics 200 200 200 200 200 200
GET  /clients L 403 403 200 403 403
GET  /clients/<int:client_id> L 403 403 200 403 403
GET  /clients/new L 403 403 200 403 403
GET  /clients/<int:client_id>/statement.pdf L 403 403 200 403 403
GET  /credit-notes/<int:note_id>.pdf L 403 403 200 403 403
GET  /decisions L 200 200 200 403 403
GET  /directory 200 200 200 200 200 200
GET  /directory.pdf 200 200 200 200 200 200
GET  /directory/manage L 403 403 200 403 403
GET  /directory/manage/<int:entry_id> L 403 403 200 403 403
GET  /directory/manage/new L 403 403 200 403 403
GET  /interested 200 200 200 200 200 200
GET  /interested/thanks 200 200 200 200 200 200
GET  /interested/forget/<token> 404 404 404 404 404 404
GET  /interested/poster.pdf 200 200 200 200 200 200
GET  /interested/leaflet.pdf 200 200 200 200 200 200
GET  /helpline L 200 200 200 403 403
GET  /enquiries L 403 403 200 403 403
GET  /enquiries/<int:enquiry_id> L 404 404 200 403 403
GET  /erasure-requests L 403 403 200 403 403
GET  /erasure-requests/<int:request_id>/erase L 403 403 200 403 403
GET  /expenses L 200 200 200 403 403
GET  /expenses/<int:expense_id>/decide L 403 403 200 403 403
GET  /expenses/<int:expense_id>/receipt L 200 404 200 403 403
GET  /forgot 200 200 200 200 200 200
GET  /healthz 200 200 200 200 200 200
GET  /manifest.webmanifest 200 200 200 200 200 200
GET  /notifications L 200 200 200 403 403
GET  /sw.js 200 200 200 200 200 200
GET  /shifts/offline L 200 200 200 403 403
GET  /home L 200 200 200 200 200
GET  /invite/<token> 400 400 400 400 400 400
GET  /invoices L 403 403 200 403 403
GET  /invoices/<int:invoice_id> L 403 403 200 403 403
GET  /invoices/<int:invoice_id>.pdf L 403 403 200 403 403
GET  /invoices/<int:invoice_id>/e-invoice.pdf L 403 403 200 403 403
GET  /invoices/aged-debtors L 403 403 200 403 403
GET  /check-the-books L 403 403 200 403 403
GET  /invoices/export/<kind>.csv L 403 403 200 403 403
GET  /learning L 200 200 200 403 403
GET  /learning/<int:session_id> L 200 200 200 403 403
GET  /learning/new L 200 200 200 403 403
GET  /login 200 R R R R R
GET  /me L 200 200 200 403 403
GET  /me/data.json L 200 200 200 403 403
GET  /members L 403 403 200 403 403
GET  /members/<int:member_id> L 403 403 200 403 403
GET  /members/<int:member_id>/limit L 403 403 200 403 403
GET  /members/invite L 403 403 200 403 403
GET  /my/bookings L 403 403 403 200 200
GET  /my/bookings/<int:booking_id> L 403 403 403 200 404
GET  /my/visits/<int:shift_id>/cancel L 403 403 403 200 404
GET  /my/visits/<int:shift_id>/change L 403 403 403 200 404
GET  /my/visits/<int:shift_id>/note L 403 403 403 200 404
GET  /bookings/changes L 403 403 200 403 403
GET  /my/bookings/new L 403 403 403 200 200
GET  /my/calendar L 403 403 403 200 200
GET  /my/credit-notes/<int:note_id>.pdf L 403 403 403 200 404
GET  /my/earnings L 200 200 200 403 403
GET  /my/earnings.csv L 200 200 200 403 403
GET  /my/invoices L 403 403 403 200 200
GET  /my/statement.pdf L 403 403 403 200 200
GET  /my/invoices/<int:invoice_id>.pdf L 403 403 403 200 404
GET  /my/invoices/<int:invoice_id>/e-invoice.pdf L 403 403 403 200 404
GET  /my/limit L 200 200 200 403 403
GET  /my/pay L 200 200 200 403 403
GET  /my/pay/<int:statement_id>.pdf L 200 404 404 403 403
GET  /my/surplus L 200 200 200 403 403
GET  /my/visits L 403 403 403 200 200
GET  /pay L 403 403 200 403 403
GET  /pay/runs/<int:run_id> L 403 403 200 403 403
GET  /pay/runs/<int:run_id>.csv L 403 403 200 403 403
GET  /pay/statements/<int:statement_id>.pdf L 403 403 200 403 403
GET  /people L 403 403 403 403 403
GET  /people/<int:user_id>/roles L 403 403 403 403 403
GET  /proposals/<int:proposal_id> L 200 200 200 403 403
GET  /comments/<int:comment_id>/edit L 200 404 404 403 403
GET  /my/record L 200 200 200 403 403
GET  /my/records/<int:record_id> L 200 404 404 403 403
GET  /my/records/<int:record_id>.txt L 200 404 404 403 403
GET  /my/records/<int:record_id>.pdf L 200 404 404 403 403
GET  /members/<int:member_id>/reference L 403 403 200 403 403
GET  /verify 200 200 200 200 200 200
GET  /verify/<code> 200 200 200 200 200 200
GET  /my/opportunities L 200 200 200 403 403
GET  /opportunities/interest L 403 403 200 403 403
GET  /impact L 403 403 200 403 403
GET  /impact.csv L 403 403 200 403 403
GET  /impact.pdf L 403 403 200 403 403
GET  /invoice-link/<token> 404 404 404 404 404 404
GET  /invoice-link/<token>/<kind>.pdf 404 404 404 404 404 404
GET  /proposals/new L 200 200 200 403 403
GET  /rates L 200 200 200 403 403
GET  /reset/<token> 400 400 400 400 400 400
GET  /rota L 403 403 200 403 403
GET  /rota/autofill L 403 403 200 403 403
GET  /rota/grid L 403 403 200 403 403
GET  /rota/grid.pdf L 403 403 200 403 403
GET  /rota/grid/offer/<int:member_id> L 403 403 200 403 403
GET  /rota/unfilled L 403 403 200 403 403
GET  /say L 200 200 200 403 403
GET  /services L 403 403 200 403 403
GET  /services/<int:service_id> L 403 403 200 403 403
GET  /services/new L 403 403 200 403 403
GET  /settings L 403 403 403 403 403
GET  /settings/<key> L 403 403 403 403 403
GET  /shifts/<int:shift_id>/edit L 403 403 200 403 403
GET  /shifts/<int:shift_id>/fill L 403 403 200 403 403
GET  /shifts/mine L 200 200 200 403 403
GET  /shifts/open L 200 200 200 403 403
GET  /skills L 403 403 200 403 403
GET  /skills/<int:skill_id> L 403 403 200 403 403
GET  /static/<path:filename> 200 200 200 200 200 200
GET  /timesheets L 200 200 200 403 403
GET  /timesheets/<int:entry_id>/query L 403 403 200 403 403
GET  /timesheets/enter/<int:assignment_id> L 403 403 200 403 403
GET  /timesheets/record/<int:assignment_id> L 200 404 404 403 403
GET  /assignments/<int:assignment_id>/drop L 200 404 404 403 403
GET  /assignments/<int:assignment_id>/exchange L 200 404 404 403 403
GET  /assignments/<int:assignment_id>/late L 200 404 404 403 403
GET  /cover L 403 403 200 403 403
GET  /cover/choices L 200 200 200 403 403
GET  /cover/offers/<int:offer_id> L 200 404 404 403 403
GET  /bookings/cover/<int:case_id> L 403 403 403 200 404
GET  /timesheets/review L 403 403 200 403 403
POST /account/language * * * * * *
POST /account/password * * * * * *
POST /assignments/<int:assignment_id>/answer L * 404 404 403 403
POST /assignments/<int:assignment_id>/drop L * 404 404 403 403
POST /assignments/<int:assignment_id>/exchange L * 404 404 403 403
POST /assignments/<int:assignment_id>/late L * 404 404 403 403
POST /cover/choices L * * * 403 403
POST /cover/offers/<int:offer_id>/answer L * 404 404 403 403
POST /cover/<int:case_id>/widen L 403 403 * 403 403
POST /cover/<int:case_id>/ask L 403 403 * 403 403
POST /cover/<int:case_id>/fill L 403 403 * 403 403
POST /bookings/cover/<int:case_id> L 403 403 403 * 404
POST /assignments/<int:assignment_id>/pay-choice L * 404 404 403 403
POST /assignments/<int:assignment_id>/swap L * 404 404 403 403
POST /availability L * * * 403 403
POST /availability/time-off L * * * 403 403
POST /availability/time-off/<int:time_off_id>/delete L * 404 404 403 403
POST /bookings/<int:booking_id>/cancel L 403 403 * 403 403
POST /bookings/<int:booking_id>/confirm L 403 403 * 403 403
POST /bookings/<int:booking_id>/decline L 403 403 * 403 403
POST /bookings/new L 403 403 * 403 403
POST /calendar L * * * 403 403
POST /clients/<int:client_id> L 403 403 * 403 403
POST /clients/<int:client_id>/contacts L 403 403 * 403 403
POST /clients/new L 403 403 * 403 403
POST /directory/manage/<int:entry_id> L 403 403 * 403 403
POST /directory/manage/new L 403 403 * 403 403
POST /interested 200 200 200 200 200 200
POST /interested/forget/<token> 404 * * * * *
POST /helpline L 200 200 200 403 403
POST /enquiries/<int:enquiry_id>/note L 404 404 * 403 403
POST /enquiries/<int:enquiry_id>/assign L 403 403 * 403 403
POST /enquiries/<int:enquiry_id>/invite L 403 403 * 403 403
POST /enquiries/<int:enquiry_id>/point L 403 403 * 403 403
POST /enquiries/<int:enquiry_id>/close L 403 403 * 403 403
POST /erasure-requests/<int:request_id>/erase L 403 403 * 403 403
POST /expenses L * * * 403 403
POST /expenses/<int:expense_id>/decide L 403 403 * 403 403
POST /forgot 200 * * * * *
POST /invite/<token> 400 * * * * *
POST /invoices/<int:invoice_id>/credit-notes L 403 403 * 403 403
POST /invoices/<int:invoice_id>/delete L 403 403 * 403 403
POST /invoices/<int:invoice_id>/discount L 403 403 * 403 403
POST /invoices/<int:invoice_id>/issue L 403 403 * 403 403
POST /invoices/<int:invoice_id>/lines L 403 403 * 403 403
POST /invoices/<int:invoice_id>/lines/<int:line_id>/delete L 403 403 * 403 403
POST /invoices/<int:invoice_id>/note L 403 403 * 403 403
POST /invoices/<int:invoice_id>/credit L 403 403 * 403 403
POST /invoices/<int:invoice_id>/remind L 403 403 * 403 403
POST /invoices/<int:invoice_id>/payments L 403 403 * 403 403
POST /invoices/<int:invoice_id>/payments/<int:payment_id>/reverse L 403 403 * 403 403
POST /invoices/run L 403 403 * 403 403
POST /books/statements L 403 403 * 403 403
POST /books/journal L 403 403 * 403 403
POST /books/lines/<int:line_id>/confirm L 403 403 * 403 403
POST /books/lines/<int:line_id>/set-aside L 403 403 * 403 403
POST /learning/<int:session_id> L * 404 * 403 403
POST /learning/<int:session_id>/cancel L * 404 R 403 403
POST /learning/<int:session_id>/pay L 403 403 * 403 403
POST /learning/<int:session_id>/sign-up L * R R 403 403
POST /learning/new L * * * 403 403
POST /login 200 * * * * *
POST /logout * * * * * *
POST /me L * * * 403 403
POST /me/erase L * * * 403 403
POST /me/erase/withdraw L * * * 403 403
POST /members/<int:member_id> L 403 403 * 403 403
POST /members/<int:member_id>/limit L 403 403 * 403 403
POST /members/<int:member_id>/resend-invitation L 403 403 * 403 403
POST /members/invite L 403 403 * 403 403
POST /my/bookings/<int:booking_id>/cancel L 403 403 403 * 404
POST /my/visits/<int:shift_id>/cancel L 403 403 403 * 404
POST /my/visits/<int:shift_id>/change L 403 403 403 * 404
POST /my/visits/<int:shift_id>/note L 403 403 403 * 404
POST /bookings/changes/<int:request_id>/accept L 403 403 * 403 403
POST /bookings/changes/<int:request_id>/decline L 403 403 * 403 403
POST /my/bookings/new L 403 403 403 * *
POST /my/calendar L 403 403 403 * *
POST /my/invoices/language L 403 403 403 * *
POST /my/limit L * * * 403 403
POST /my/limit/preset L * * * 403 403
POST /my/limit/remove L * * * 403 403
POST /my/surplus/<int:share_id>/<action> L * 404 404 403 403
POST /my/visits/<int:entry_id>/confirm L 403 403 403 * 404
POST /offers/<int:offer_id>/accept L * 404 404 403 403
POST /offers/<int:offer_id>/decline L * 404 404 403 403
POST /pay/adjustments L 403 403 * 403 403
POST /pay/runs L 403 403 * 403 403
POST /pay/runs/<int:run_id>/delete L 403 403 * 403 403
POST /pay/runs/<int:run_id>/finalise L 403 403 * 403 403
POST /people/<int:user_id>/roles L 403 403 403 403 403
POST /proposals/<int:proposal_id> L * 200 200 403 403
POST /proposals/<int:proposal_id>/comments L * * * 403 403
POST /proposals/<int:proposal_id>/decision L 403 403 403 403 403
POST /comments/<int:comment_id>/edit L * 404 404 403 403
POST /comments/<int:comment_id>/hide L 403 403 * 403 403
POST /say/emails L * * * 403 403
POST /my/record L * * * 403 403
POST /my/records/<int:record_id>/withdraw L * 404 404 403 403
POST /my/references/<int:reference_id>/<choice> L * 404 404 403 403
POST /members/<int:member_id>/reference L 403 403 * 403 403
POST /opportunities/<int:entry_id>/interested L * * * 403 403
POST /my/opportunities/<int:interest_id> L * 404 404 403 403
POST /my/opportunities/<int:interest_id>/help L * 404 404 403 403
POST /my/leaving L * * * 403 403
POST /opportunities/interest/<int:interest_id>/reply L 403 403 * 403 403
POST /invoices/<int:invoice_id>/links/revoke L 403 403 R 403 403
POST /proposals/new L * * * 403 403
POST /reset/<token> 400 * * * * *
POST /rota/autofill L 403 403 * 403 403
POST /rota/autofill/send L 403 403 * 403 403
POST /services/<int:service_id> L 403 403 * 403 403
POST /businesses/<int:business_id> L 403 403 * 403 403
POST /businesses/<int:business_id>/leads L 403 403 * 403 403
POST /businesses/new L 403 403 * 403 403
POST /our-businesses/<int:business_id> * * * * * *
POST /language R R R R R R
POST /quotes/<int:quote_id>/answered L 403 403 * 403 403
POST /quotes/<int:quote_id>/client L 403 403 * 403 403
POST /services/new L 403 403 * 403 403
POST /settings/<key> L 403 403 403 403 403
POST /shifts/<int:shift_id>/cancel L 403 403 * 403 403
POST /shifts/<int:shift_id>/claim L * R R 403 403
POST /shifts/<int:shift_id>/edit L 403 403 * 403 403
POST /shifts/<int:shift_id>/fill L 403 403 * 403 403
POST /skills L 403 403 * 403 403
POST /skills/<int:skill_id> L 403 403 * 403 403
POST /rota/grid/offer L 403 403 * 403 403
POST /swaps/<int:offer_id>/accept L * R R 403 403
POST /swaps/<int:offer_id>/answer L 404 404 404 403 403
POST /swaps/<int:offer_id>/withdraw L * 404 404 403 403
POST /notifications L * * * 403 403
POST /notifications/subscribe L 400 400 400 403 403
POST /notifications/unsubscribe L 200 200 200 403 403
POST /assignments/<int:assignment_id>/arrived L * 404 404 403 403
POST /assignments/<int:assignment_id>/finished L * 404 404 403 403
POST /timesheets/<int:entry_id>/query L 403 403 * 403 403
POST /timesheets/approve L 403 403 * 403 403
POST /timesheets/enter/<int:assignment_id> L 403 403 * 403 403
POST /timesheets/record/<int:assignment_id> L * 404 404 403 403
"""
MATRIX: dict[tuple[str, str], list[str]] = {
    (method, rule): codes for method, rule, *codes in (line.split() for line in TABLE.strip().splitlines())
}


def concrete(rule: str, ids: dict[str, Any]) -> str:
    """The rule with real ids: ids[rule][param] where a name means something else there."""
    own = ids.get(rule, {})
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m: str(own.get(m.group(1), ids.get(m.group(1)))), rule)


def outcome(web: Any, method: str, url: str) -> str:
    if method == "GET":
        r = web.get(url)
    else:
        r = web.client.open(url, method=method, data={"csrf_token": web.token()})
    if r.status_code in (301, 302, 303):
        return "L" if r.headers["Location"].startswith("/login") else "R"
    return str(r.status_code)


@pytest.fixture
def coop(app, demo, make_web):
    """The demo co-op plus one of everything a person can own."""
    s = demo
    today = today_london()
    chris = s.scalar(select(Member).where(Member.display_name == "Chris Taylor"))
    other = s.scalars(
        select(Member).join(Assignment).where(Member.id != chris.id, Member.display_name != "Jo Fletcher")
    ).first()
    other.user.password_hash = hash_password(PASSWORD)
    client_a = client_for_user(s, find_user(s, "client@demo.coop.works").id)
    riverside = s.scalar(select(Client).where(Client.name == "Riverside Community Centre"))
    b_user = factories.user(s, "contact@riverside.example", ("client",))
    s.add(ClientContact(client_id=riverside.id, user_id=b_user.id, name="Pat Contact"))
    s.commit()

    booking = s.scalars(
        select(Booking).where(Booking.client_id == client_a.id, Booking.status == "scheduled")
    ).first()
    future = s.scalars(
        select(Assignment)
        .join(Assignment.shift)
        .where(Assignment.member_id == chris.id, Assignment.status == "accepted", Shift.starts_at > utcnow())
        .order_by(Shift.starts_at)
    ).all()
    swap = rota.offer_swap(s, chris.id, future[-1].id)
    time_off = rota.add_time_off(
        s, chris, today + timedelta(days=40), today + timedelta(days=41), "", today=today
    )
    feed_token = rota.regenerate_feed(s, chris)
    offer = s.scalars(select(Offer).where(Offer.member_id == chris.id)).first()
    cover_offer = s.scalars(select(CoverOffer).where(CoverOffer.member_id == chris.id)).one()  # the demo's
    open_shift = s.scalars(
        select(Shift).where(
            Shift.client_id == client_a.id, Shift.filled < Shift.slots, Shift.starts_at > utcnow()
        )
    ).first()
    entry = s.scalars(
        select(TimesheetEntry)
        .join(Assignment)
        .join(Assignment.shift)
        .where(Assignment.member_id == chris.id)
        .order_by(Shift.client_id != client_a.id)
    ).first()
    # pay: approve what is waiting, build a run, so Chris has a statement
    waiting = s.scalars(select(TimesheetEntry.id).where(TimesheetEntry.status == "submitted")).all()
    coordinator_user = find_user(s, "coordinator@demo.coop.works")
    timesheets.approve(s, waiting, actor_id=coordinator_user.id)
    run = pay.build_pay_run(
        s, today - timedelta(days=30), today - timedelta(days=1), actor_id=coordinator_user.id, today=today
    )
    pay.finalise(s, run.id, actor_id=coordinator_user.id)
    statement = s.scalars(select(PayStatement).where(PayStatement.member_id == chris.id)).one()
    png = factories.png_bytes()
    expense = pay.claim_expense(
        s,
        chris,
        kind="travel",
        spent_on=today - timedelta(days=2),
        description="Bus to the bakery",
        amount_pence=340,
        receipt=png,
        upload_dir=Path(app.config["UPLOAD_DIR"]),
        today=today,
    )
    proposal = s.scalars(select(Proposal).where(Proposal.status == "open")).first()
    share = SurplusShare(proposal_id=proposal.id, member_id=chris.id, minutes=60, amount_pence=1000)
    comment = ProposalComment(proposal_id=proposal.id, member_id=chris.id, body="I agree")
    work_record = records.make_record(s, chris, {"time"}, name_as="full")
    reference = records.propose_reference(s, chris.id, "Reliable.", actor_id=coordinator_user.id)
    entry = s.scalars(select(DirectoryEntry)).first()
    interest = opportunities.interested(s, chris, entry.id)
    change = changes.ask_change(
        s,
        client_a.id,
        open_shift.id,
        changes.Wanted(**{**vars(changes.current(open_shift)), "slots": open_shift.slots + 1}),
        actor_id=coordinator_user.id,
    )
    s.add_all([share, comment])
    s.commit()
    invoice = s.scalars(
        select(Invoice).where(Invoice.client_id == client_a.id, Invoice.number.is_not(None))
    ).first()
    webs = {
        "anon": make_web(),
        "member": signed_in(make_web, "member"),
        "coordinator": signed_in(make_web, "coordinator"),
        "client_a": signed_in(make_web, "client"),
    }
    for key, email in (("other", other.user.email), ("client_b", "contact@riverside.example")):
        webs[key] = make_web()
        assert webs[key].login(email, PASSWORD).status_code == 302, key
    credit = webs["coordinator"].post(
        f"/invoices/{invoice.id}/credit-notes", {"amount": "1.00", "reason": "Goodwill"}
    )
    assert credit.status_code == 302
    s.rollback()
    note = s.scalars(select(CreditNote).where(CreditNote.invoice_id == invoice.id)).first()
    req = erasure.request_erasure(s, other, actor_id=other.user_id)
    quote = quotes.ask_for_quote(
        s,
        booking.service.business_id,
        quotes.QuoteData("New Cafe", "Ali Owner", "ali@cafe.example", "", "Window cleaning", "", ""),
        ip="192.0.2.9",
    )
    ids = {
        "booking_id": booking.id,
        "shift_id": open_shift.id,
        "client_id": client_a.id,
        "service_id": booking.service_id,
        "business_id": booking.service.business_id,
        "quote_id": quote.id,
        "member_id": chris.id,
        "skill_id": s.scalars(select(Skill)).first().id,
        "user_id": chris.user_id,
        "invoice_id": invoice.id,
        "line_id": invoice.lines[0].id,
        "payment_id": s.scalars(select(Payment.id)).first() or 1,
        "note_id": note.id,
        "kind": "invoices",
        "run_id": run.id,
        "statement_id": statement.id,
        "expense_id": expense.id,
        "offer_id": offer.id,
        "/cover/offers/<int:offer_id>": {"offer_id": cover_offer.id},
        "/cover/offers/<int:offer_id>/answer": {"offer_id": cover_offer.id},
        "case_id": cover_offer.case_id,
        "assignment_id": future[0].id,
        "time_off_id": time_off.id,
        "session_id": s.scalars(select(SkillSession)).first().id,
        "proposal_id": proposal.id,
        "share_id": share.id,
        "comment_id": comment.id,
        "record_id": work_record.id,
        "reference_id": reference.id,
        "choice": "approve",
        "interest_id": interest.id,
        "code": work_record.code,
        "/opportunities/<int:entry_id>/interested": {"entry_id": entry.id},
        "action": "defer",
        "entry_id": entry.id,
        "request_id": req.id,
        "token": feed_token,
        "key": "pay_floor_pence",
        "filename": "css/site.css",
        "/directory/manage/<int:entry_id>": {"entry_id": s.scalars(select(DirectoryEntry)).first().id},
        "/swaps/<int:offer_id>/accept": {"offer_id": swap.id},
        "/swaps/<int:offer_id>/answer": {"offer_id": swap.id},
        "/swaps/<int:offer_id>/withdraw": {"offer_id": swap.id},
        "/calendar/client/<token>.ics": {"token": regenerate_client_feed(s, client_a)},
        "/invite/<token>": {"token": "not-a-real-token"},
        "/bookings/changes/<int:request_id>/accept": {"request_id": change.id},
        "/bookings/changes/<int:request_id>/decline": {"request_id": change.id},
        "/invoice-link/<token>": {"token": "not-a-real-token"},
        "/invoice-link/<token>/<kind>.pdf": {"token": "not-a-real-token", "kind": "invoice"},
        "/reset/<token>": {"token": "not-a-real-token"},
        "/interested/forget/<token>": {"token": "not-a-real-token"},
        "enquiry_id": s.scalar(select(Enquiry.id).where(Enquiry.name == "Dev")),
    }
    return webs, ids


def test_every_route_has_a_row(app):
    routes = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routes - MATRIX.keys() == set(), "add these routes to the access matrix"
    assert MATRIX.keys() - routes == set(), "these rows are for routes that no longer exist"
    assert all(len(codes) == len(PEOPLE) for codes in MATRIX.values())


def test_route_role_matrix(coop):
    webs, ids = coop
    wrong = []
    checked = 0
    # GETs first, then POSTs: refusals change nothing, and the few POSTs that are meant to
    # work for everyone who tries (claim an open shift, sign up, vote with an empty form) come last.
    for (method, rule), codes in sorted(MATRIX.items(), key=lambda kv: (kv[0][0] != "GET", kv[0][1])):
        url = concrete(rule, ids)
        for person, expected in zip(PEOPLE, codes, strict=True):
            if expected == "*":
                continue
            got = outcome(webs[person], method, url)
            checked += 1
            if got != expected:
                wrong.append(f"{method} {url} as {person}: expected {expected}, got {got}")
    assert wrong == []
    assert checked > 700
