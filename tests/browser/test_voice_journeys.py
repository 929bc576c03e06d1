"""Clients acting on what they receive, and members' voice, in a real browser (four variants
each, axe on every page with JavaScript on): a client cancels one visit having seen the fee; a
billing contact with no account opens an invoice from the emailed link; members discuss, vote,
and the outcome in words reaches the decisions log."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from coop.bookings.models import Shift
from coop.governance import service as governance
from coop.invoicing import service as invoicing
from coop.invoicing.rendering import invoice_html
from coop.mail.models import OutboxMessage
from coop.money import client_price
from coop.settings import service as settings
from coop.timesheets import service as timesheets
from coop.timeutil import today_london, utcnow
from tests import factories
from tests.conftest import PASSWORD
from tests.factories import unique


def test_a_client_cancels_one_visit_and_sees_the_fee_first(live, ui):
    s = live.session()
    email = unique("client") + "@example.org"
    client = factories.client(s, name=unique("Corner shop"), contact_email=email)
    soon = factories.shift(s, client_=client, starts_in=timedelta(hours=10))  # short notice: a fee
    booking_id, shift_id = soon.booking_id, soon.id
    s.close()

    ui.login(email, PASSWORD)
    ui.goto(f"/my/bookings/{booking_id}")
    ui.page.get_by_role("link", name=re.compile(r"^Cancel the visit on")).first.click()
    ui.check()
    ui.sees("What it costs")
    ui.sees("less than 24 hours' notice")
    button = ui.page.get_by_role("button", name=re.compile(r"^Cancel 1 visit for £"))
    fee_text = button.inner_text()
    button.click()
    ui.check()
    ui.sees("Cancelled. The cancellation fee is £")
    ui.sees("cancelled")

    s = live.session()
    shift = s.get(Shift, shift_id)
    assert shift is not None and shift.status == "cancelled" and shift.cancellation_fee_pence > 0
    charged = client_price(
        shift.cancellation_fee_pence, shift.service.vat_rate_bp, bool(settings.get(s, "vat_registered"))
    )
    assert f"£{charged.gross_pence / 100:.2f}" in fee_text  # the fee charged (with VAT) is the fee shown
    s.close()


def test_a_billing_contact_without_an_account_opens_the_invoice_from_the_email(live, ui):
    s = live.session()
    billing = unique("accounts") + "@example.org"
    client = factories.client(s, name=unique("Harbour cafe"), billing_email=billing)
    member = factories.member(s, name=unique("Kit"))
    worked = factories.shift(s, client_=client, starts_in=timedelta(days=-3))
    from coop.rota.models import Assignment

    a = Assignment(shift_id=worked.id, shift_starts_at=worked.starts_at, member_id=member.id, source="assign")
    s.add(a)
    worked.filled = 1
    s.commit()
    entry = timesheets.submit(
        s, a.id, timesheets.Hours(worked.starts_at, worked.ends_at, 0), actor_id=1, member_id=member.id
    )
    timesheets.approve(s, [entry.id], actor_id=1)
    day = today_london()
    drafts = [d for d in invoicing.invoice_run(s, day - timedelta(days=10), day) if d.client_id == client.id]
    with live.app.test_request_context():
        invoice = invoicing.issue(
            s,
            drafts[0].id,
            today=day,
            render_html=invoice_html,
            invoice_dir=live.invoice_dir,
            actor_id=None,
            base_url=live.base_url,
        )
    number = invoice.number
    body = s.scalars(select(OutboxMessage.body).where(OutboxMessage.to_address == billing)).one()
    s.close()
    [link] = re.findall(re.escape(live.base_url) + r"(/invoice-link/\S+)", body)

    ui.goto(link)  # nobody signed in
    ui.sees(f"Invoice {number}")
    ui.sees("still to pay")
    download_link = ui.page.get_by_role("link", name="Download the invoice (PDF)")
    with ui.page.expect_download() as download:
        download_link.click(modifiers=["Alt"])
    assert download.value.path().read_bytes().startswith(b"%PDF")
    response = ui.page.goto(link[:-4] + "xxxx")
    assert response is not None and response.status == 404
    ui.check()
    ui.sees("cut short or changed")


def test_members_discuss_vote_and_the_outcome_reaches_the_decisions_log(live, ui):
    s = live.session()
    author = factories.member(s, name=unique("Jude"))
    voter = factories.member(s, name=unique("Ray"))
    title = unique("Open on Saturdays")
    proposal = governance.create_proposal(
        s,
        author,
        governance.ProposalData(
            title=title,
            text="Members with weekday jobs could join.",
            closes_on=today_london() + timedelta(days=3),
        ),
        today=today_london(),
    )
    proposal_id, author_email, voter_email = proposal.id, author.user.email, voter.user.email
    s.close()

    ui.login(voter_email, PASSWORD)
    ui.goto(f"/proposals/{proposal_id}")
    ui.page.get_by_label("Your comment").fill("Yes, and <b>mornings</b> suit most of us.")
    ui.click("Post comment")
    ui.sees("Yes, and <b>mornings</b> suit most of us.")  # shown as text, not markup
    ui.page.get_by_label("For", exact=True).check()
    ui.click("Vote")
    ui.sees("You voted")
    ui.click("Sign out")

    s = live.session()
    governance.cast_vote(s, s.get(type(author), author.id), proposal_id, "for")
    governance.close(s, proposal_id, now=utcnow() + timedelta(days=4))
    s.close()

    ui.login(author_email, PASSWORD)
    ui.goto(f"/proposals/{proposal_id}")
    ui.sees("Not decided: 2 of")  # too few voted for the quorum; what happens next is written in words
    ui.page.get_by_label("What was decided, in words").fill("We open on the first Saturday of each month.")
    ui.click("Save the outcome")
    ui.sees("The outcome is saved")
    ui.goto("/decisions")
    ui.sees(title)
    ui.sees("We open on the first Saturday of each month.")
