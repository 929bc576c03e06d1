"""Several businesses in a real browser (four variants each, axe on every page with JavaScript
on): a prospective client asks one business for a quote and becomes a client; a coordinator
leading one business runs its week and its invoices while another business's series goes on;
a member works for two businesses in one week and their limit and pay statement count both."""

from __future__ import annotations

import itertools
import re
from datetime import time, timedelta

from sqlalchemy import select

from coop.businesses import service as businesses
from coop.invoicing import service as invoicing
from coop.invoicing.models import Invoice
from coop.pay import service as pay
from coop.timeutil import london_to_utc, today_london, utcnow, week_start
from tests import factories
from tests.conftest import PASSWORD
from tests.factories import approved_work, issue_draft, period, unique

_n = itertools.count()


def a_business(s, lead_id=None):
    prefix = f"T{utcnow().timestamp():.0f}"[-7:] + f"{next(_n)}-"
    b = factories.business(s, unique("Trading"), prefix)
    if lead_id is not None:
        businesses.set_leads(s, b.id, [lead_id], actor_id=lead_id)
    return b


def test_a_prospective_client_asks_one_business_for_a_quote_and_becomes_a_client(live, ui):
    s = live.session()
    lead = factories.coordinator(s, email=unique("lead") + "@example.org")
    b = a_business(s, lead.id)
    factories.service(s, name=unique("Hedges"), business_id=b.id)
    business_id, lead_email, organisation = b.id, lead.email, unique("Sunny Cafe")
    s.close()

    ui.goto(f"/our-businesses/{business_id}")
    ui.sees("Ask us for a quote")
    page = ui.page
    page.get_by_label("Your organisation's name").fill(organisation)
    page.get_by_label("Your name").fill("Ali Owner")
    page.get_by_label("Your email address").fill(unique("ali") + "@cafe.example")
    page.get_by_label("What do you need?").fill("The garden tidied every fortnight")
    ui.click("Ask for a quote")
    ui.sees("has your request")

    ui.login(lead_email, PASSWORD)
    ui.goto("/quotes")
    ui.click(organisation, role="link")
    ui.sees("The garden tidied every fortnight")
    ui.click("Make them a client and book their work")
    ui.sees(f"{organisation} is now a client")
    assert page.get_by_label("Client").input_value() != ""


def test_a_lead_runs_their_business_while_another_series_goes_on(live, ui):
    s = live.session()
    lead = factories.coordinator(s, email=unique("lead") + "@example.org")
    mine, theirs = a_business(s, lead.id), a_business(s)
    client = factories.client(s, unique("Bakery"))
    own_work = factories.service(s, name=unique("Mine"), business_id=mine.id)
    approved_work(s, client, hours=2, service_=own_work)
    other_work = factories.service(s, name=unique("Theirs"), business_id=theirs.id)
    approved_work(s, client, hours=1, service_=other_work)
    # The other business issues its first invoice on its own.
    [other_draft] = invoice_run(s, [theirs.id])
    assert issue_draft(s, other_draft.id, live.invoice_dir).number == f"{theirs.invoice_prefix}00001"
    email, mine_name, mine_prefix = lead.email, mine.name, mine.invoice_prefix
    theirs_id, theirs_series = theirs.id, theirs.series
    s.close()

    ui.login(email, PASSWORD)
    ui.goto("/rota")
    ui.sees(f"Showing {mine_name} (the business you lead)")
    ui.goto("/rota/grid")
    ui.sees(f"Showing {mine_name}")
    ui.goto("/invoices")
    today = today_london()
    ui.page.get_by_label("Work from").fill((today - timedelta(days=30)).isoformat())
    ui.page.get_by_label("Work up to").fill(today.isoformat())
    ui.click("Make draft invoices")
    ui.click(re.compile(r"^Draft \d+$"), role="link")  # type: ignore[arg-type]
    ui.click("Issue this invoice")
    ui.sees(f"{mine_prefix}00001")

    s = live.session()
    numbers = s.scalars(select(Invoice.number).where(Invoice.business_id == theirs_id)).all()
    assert numbers == [f"{theirs_prefix(s, theirs_id)}00001"]
    assert businesses.get_business(s, theirs_id).series == theirs_series
    s.close()


def theirs_prefix(s, business_id):
    return businesses.get_business(s, business_id).invoice_prefix


def invoice_run(s, business_ids):
    return invoicing.invoice_run(s, *period(), business_ids=business_ids)


def test_a_member_works_for_two_businesses_in_a_week_and_the_limit_and_pay_count_both(live, ui):
    s = live.session()
    one, two = a_business(s), a_business(s)
    skill = factories.skill(s, unique("Outdoor"))
    ours = factories.service(s, skill, name=unique("Litter"), pay=1500, business_id=one.id)
    theirs = factories.service(s, skill, name=unique("Hedges"), pay=1500, business_id=two.id)
    member = factories.member(s, name=unique("Sam"), skills=[skill])
    factories.limit(s, member, 8000)  # one 3-hour shift (£50.43) fits; two in a week do not
    monday = week_start(today_london()) + timedelta(days=7)
    for service_, day in ((ours, 0), (theirs, 1)):
        starts = london_to_utc(monday + timedelta(days=day), time(10)) - utcnow()
        factories.shift(s, service_=service_, starts_in=starts)
    # Past work for both, on one pay run (each variant its own old week: a finalised run stays).
    ago = 600 + 7 * next(_n)
    factories.approved_timesheet(s, member, service_=ours, days_ago=ago, hours=2)
    factories.approved_timesheet(s, member, service_=theirs, days_ago=ago - 1, hours=1)
    today = today_london()
    first, last = today - timedelta(days=ago + 2), today - timedelta(days=ago - 3)
    run = pay.build_pay_run(s, first, last, actor_id=1, today=today)
    pay.finalise(s, run.id, actor_id=1)
    [statement] = [st for st in run.statements if st.member_id == member.id]
    assert {line.kind for line in statement.lines} >= {"work"} and len(statement.lines) == 4
    total = statement.total_pence
    email, ours_name, theirs_name, one_name, two_name = (
        member.user.email,
        ours.name,
        theirs.name,
        one.name,
        two.name,
    )
    s.close()

    ui.login(email, PASSWORD)
    ui.goto("/shifts/open")
    ui.sees(one_name)
    ui.sees(two_name)
    card = ui.page.locator("article", has_text=ours_name)
    card.get_by_role("button", name=re.compile("Take this shift")).click()
    ui.page.wait_for_load_state()
    ui.goto("/shifts/open")
    other = ui.page.locator("article", has_text=theirs_name)
    assert "does not fit" in other.inner_text()
    ui.goto("/my/pay")
    ui.sees(f"£{total / 100:,.2f}")
