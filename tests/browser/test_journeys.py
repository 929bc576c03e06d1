"""The main journeys of each role, in a real browser (see conftest: four variants each, axe on
every page with JavaScript on). Each journey arranges its own people and work, so the variants
never step on each other."""

from __future__ import annotations

import re
from datetime import time, timedelta

from playwright.sync_api import expect
from sqlalchemy import select

from coop.bookings import service as bookings
from coop.bookings.models import Booking, Shift
from coop.demo.service import DEMO_LOGINS
from coop.governance import service as governance
from coop.invoicing.models import Invoice
from coop.rota import offers
from coop.rota.autofill import Proposal
from coop.rota.models import Assignment, Availability, Offer
from coop.timesheets import service as timesheets
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import today_london
from tests import factories
from tests.conftest import PASSWORD
from tests.factories import unique


def test_client_requests_a_recurring_booking(live, ui):
    s = live.session()
    email = unique("client") + "@example.org"
    client = factories.client(s, name=unique("Bakehouse"), contact_email=email)
    service = factories.service(s, name=unique("Window cleaning"))
    client_id, service_id = client.id, service.id
    s.close()

    ui.login(email, PASSWORD)
    ui.sees(client.name)
    ui.goto("/my/bookings/new")
    page = ui.page
    page.get_by_label("Service").select_option(str(service_id))
    page.get_by_label("Where the work happens").fill("7 Harbour Row, Anytown")
    first = today_london() + timedelta(days=14)
    page.get_by_label("Date (first date, if it repeats)").fill(first.isoformat())
    page.get_by_label("Start time").fill("09:00")
    page.get_by_label("End time").fill("12:00")
    page.get_by_label("Every week").check()
    page.get_by_label("Or: how many times").fill("4")
    ui.click("Check the price")
    ui.sees("Price before VAT")
    ui.click("Send booking request")
    ui.sees("Your request has been sent")

    s = live.session()
    booking = s.scalar(select(Booking).where(Booking.client_id == client_id))
    assert booking is not None and booking.status == "requested"
    assert len(bookings.occurrence_dates(bookings.booking_data(booking))) == 4
    s.close()


def test_coordinator_confirms_a_request_and_runs_auto_fill(live, ui):
    s = live.session()
    coordinator = factories.coordinator(s, email=unique("coord") + "@example.org")
    skill = factories.skill(s, name=unique("Sign language"))
    service = factories.service(s, skill, name=unique("BSL interpreting"))
    member = factories.member(s, name=unique("Sam"), skills=[skill])
    client = factories.client(s, name=unique("Deaf club"))
    first = today_london() + timedelta(days=5)
    data = bookings.BookingData(
        service_id=service.id,
        site_address="2 Quay Street",
        start_date=first,
        start_time=time(10),
        end_time=time(12),
        workers=1,
        recurrence="weekly",
        occurrences=2,
    )
    booking = bookings.request_booking(s, client, data, actor_id=coordinator.id)
    s.commit()
    booking_id, member_id, service_id, email = booking.id, member.id, service.id, coordinator.email
    s.close()

    ui.login(email, PASSWORD)
    ui.goto("/bookings")
    ui.sees("Requests waiting")
    ui.goto(f"/bookings/{booking_id}")
    ui.click("Confirm and create shifts")
    ui.sees("Visits")
    ui.goto("/rota/autofill")
    page = ui.page
    page.get_by_label("From").fill(first.isoformat())
    page.get_by_label("To").fill((first + timedelta(days=8)).isoformat())
    page.locator(f"#svc-{service_id}").check()
    ui.click("Suggest offers")
    ui.sees("2 places could be offered")
    ui.click("Send these offers")
    ui.sees("2 offers sent")

    s = live.session()
    shift_ids = s.scalars(select(Shift.id).where(Shift.booking_id == booking_id)).all()
    offered = s.scalars(select(Offer).where(Offer.shift_id.in_(shift_ids))).all()
    assert len(shift_ids) == 2 and {o.member_id for o in offered} == {member_id}
    s.close()


def test_member_accepts_an_offer_claims_drops_and_logs_hours(live, ui):
    s = live.session()
    skill = factories.skill(s, name=unique("Dog walking"))
    service = factories.service(s, skill, name=unique("Dog walks"))
    member = factories.member(s, name=unique("Robin"), skills=[skill])
    offered = factories.shift(s, service_=service, starts_in=timedelta(days=2, hours=1))
    open_ = factories.shift(s, service_=service, starts_in=timedelta(days=4, hours=2))
    worked = factories.shift(s, service_=service, starts_in=timedelta(days=-2))
    s.add(Assignment(shift_id=worked.id, shift_starts_at=worked.starts_at, member_id=member.id))
    s.commit()
    assert offers.queue_offers(s, [Proposal(offered.id, member.id)]) == 1
    s.commit()
    email, member_id = member.user.email, member.id
    ids = offered.id, open_.id, worked.id
    s.close()

    ui.login(email, PASSWORD)
    ui.sees("Work offered to you")
    ui.page.get_by_role("button", name=re.compile(r"^Yes, I'll do it")).click()
    ui.check()
    ui.sees("yours")

    ui.goto("/shifts/open")
    ui.page.get_by_role("button", name=re.compile(r"^Take this shift")).first.click()
    ui.check()

    ui.goto("/shifts/mine")
    ui.page.get_by_role("link", name=re.compile(r"^I can't make it")).first.click()
    ui.check()
    ui.sees("What happens next")  # a confirmation that says what happens, before anything changes
    ui.page.get_by_role("button", name="I can't make it").click()
    ui.check()
    ui.sees("Thank you for letting us know")

    ui.goto("/timesheets")
    ui.page.get_by_role("link", name=re.compile(r"^Record hours")).first.click()
    ui.check()
    ui.page.get_by_label("Break (minutes)").fill("15")
    ui.click("Send my hours")
    ui.sees("sent")

    s = live.session()
    holding = set(
        s.scalars(
            select(Assignment.shift_id).where(
                Assignment.member_id == member_id, Assignment.status == "accepted"
            )
        ).all()
    )
    assert ids[2] in holding and len(holding & {ids[0], ids[1]}) == 1  # took two, let one go
    entry = s.scalar(select(TimesheetEntry).join(Assignment).where(Assignment.member_id == member_id))
    assert entry is not None and entry.break_minutes == 15
    s.close()


def test_coordinator_approves_hours_and_runs_invoices(live, ui):
    s = live.session()
    coordinator = factories.coordinator(s, email=unique("coord") + "@example.org")
    client = factories.client(s, name=unique("Harbour Cafe"))
    member = factories.member(s, name=unique("Kim"))
    worked = factories.shift(s, client_=client, starts_in=timedelta(days=-3), hours=2)
    assignment = Assignment(shift_id=worked.id, shift_starts_at=worked.starts_at, member_id=member.id)
    s.add(assignment)
    s.commit()
    hours = timesheets.Hours(worked.starts_at, worked.ends_at, 0)
    timesheets.submit(s, assignment.id, hours, actor_id=member.user_id, member_id=member.id)
    s.commit()
    email, client_id, client_name = coordinator.email, client.id, client.name
    s.close()

    ui.login(email, PASSWORD)
    ui.goto("/timesheets/review")
    ui.click("Approve the ticked timesheets")
    ui.goto("/invoices")
    page = ui.page
    page.get_by_label("Work from").fill((today_london() - timedelta(days=7)).isoformat())
    page.get_by_label("Work up to").fill(today_london().isoformat())
    ui.click("Make draft invoices")
    page.get_by_role("row").filter(has_text=client_name).get_by_role("link").click()
    ui.check()
    ui.click("Issue this invoice")
    ui.sees("Invoice PDF")

    s = live.session()
    invoice = s.scalar(select(Invoice).where(Invoice.client_id == client_id))
    assert invoice is not None and invoice.status == "issued" and invoice.number
    s.close()


def test_client_downloads_an_invoice(live, ui):
    ui.login("client@demo.coop.works", DEMO_LOGINS["password"])
    ui.goto("/home")
    ui.click("Invoices", role="link")
    link = ui.page.get_by_role("link", name=re.compile(r"^PDF")).first
    href = link.get_attribute("href")
    assert href
    with ui.page.expect_download() as download:
        link.click(modifiers=["Alt"])  # Alt+click: save the file, as a browser's "download link"
    path = download.value.path()
    assert path.read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename.endswith(".pdf")


def test_member_votes(live, ui):
    s = live.session()
    member = factories.member(s, name=unique("Ash"))
    proposal = governance.create_proposal(
        s,
        member,
        governance.ProposalData(
            title=unique("Buy a second lawnmower"),
            text="The gardening team keeps queueing for one mower.",
            closes_on=today_london() + timedelta(days=7),
        ),
        today=today_london(),
    )
    s.commit()
    email, title, proposal_id = member.user.email, proposal.title, proposal.id
    s.close()

    ui.login(email, PASSWORD)
    ui.goto("/say")
    ui.page.get_by_role("link", name=title).click()
    ui.check()
    ui.page.get_by_label("For", exact=True).check()
    ui.click("Vote")
    ui.goto("/say")
    expect(ui.page.locator(f"#p-{proposal_id}").locator("xpath=..")).to_contain_text("You voted")

    s = live.session()
    assert governance.tally(s, proposal_id)["for"] == 1
    s.close()


def test_member_picks_when_they_can_work(live, ui):
    s = live.session()
    member = factories.member(s, name=unique("Sam"))
    email, member_id = member.user.email, member.id
    s.close()
    ui.login(email, PASSWORD)
    ui.goto("/availability")
    ui.page.get_by_label("Only at the times I tick below").check()
    # A day's times stay folded away ("Not this day") until the day is ticked.
    expect(ui.page.get_by_label("From (Tuesday, time 1)")).to_be_hidden()
    ui.page.locator("#day-1").check()
    expect(ui.page.get_by_label("From (Tuesday, time 1)")).to_be_visible()
    ui.page.get_by_label("From (Tuesday, time 1)").select_option("09:30")
    ui.page.get_by_label("to (Tuesday, time 1)").select_option("13:00")
    ui.page.locator("#day-6").check()
    ui.page.locator("#allday-6").check()
    ui.click("Save")
    ui.sees("Saved.")
    s = live.session()
    saved = sorted(
        (a.weekday, a.start_time.strftime("%H:%M"), a.end_time.strftime("%H:%M"))
        for a in s.scalars(select(Availability).where(Availability.member_id == member_id))
    )
    s.close()
    assert saved == [(1, "09:30", "13:00"), (6, "00:00", "23:59")]


def test_coordinator_reads_the_week_grid_and_offers_from_a_cell(live, ui):
    from coop.demo.service import DEMO_LOGINS

    s = live.session()
    skill = factories.skill(s, name=unique("Window cleaning"))
    service = factories.service(s, skill, name=unique("Windows"))
    shift = factories.shift(s, service_=service, starts_in=timedelta(days=2, hours=3))
    member = factories.member(s, name=unique("Gridley"), skills=[skill])
    name, monday, shift_id, member_id = member.display_name, shift.starts_at.date(), shift.id, member.id
    service_name = service.name
    s.close()
    ui.login(dict(DEMO_LOGINS["accounts"])["coordinator"], DEMO_LOGINS["password"])
    ui.goto(f"/rota/grid?week={monday.isoformat()}")
    ui.sees("Unfilled")
    ui.sees("Hours held")
    ui.page.get_by_label("Member's name").fill(name)
    ui.click("Show")
    ui.sees(name)
    # A cell links to a small page of the places that member could take that day (issue 43).
    ui.page.get_by_role("link", name=re.compile(f"^Offer a shift to {re.escape(name)} on ")).first.click()
    ui.check()
    ui.sees(f"Offer a shift to {name}")
    ui.sees(service_name)
    ui.page.get_by_role("button", name=re.compile(f" to {re.escape(name)}$")).first.click()
    ui.check()
    ui.sees("Offered.")
    ui.sees("Hours held")  # back on the grid
    s = live.session()
    offered = s.scalars(select(Offer).where(Offer.shift_id == shift_id, Offer.member_id == member_id)).all()
    s.close()
    assert len(offered) == 1


def test_two_members_swap_shifts(live, ui):
    """One member offers their shift for another's; the other says yes; both change hands."""
    from coop.rota import service as rota

    s = live.session()
    skill = factories.skill(s, name=unique("Leafleting"))
    service = factories.service(s, skill, name=unique("Leaflets"))
    mine = factories.shift(s, service_=service, starts_in=timedelta(days=3, hours=1))
    theirs = factories.shift(s, service_=service, starts_in=timedelta(days=5, hours=1))
    ann = factories.member(s, name=unique("Ann"), skills=[skill])
    bob = factories.member(s, name=unique("Bob"), skills=[skill])
    a = rota.claim(s, ann.id, mine.id)
    rota.claim(s, bob.id, theirs.id)
    ann_email, bob_email, bob_name, ann_name = (
        ann.user.email,
        bob.user.email,
        bob.display_name,
        ann.display_name,
    )
    a_id, ids = a.id, (mine.id, theirs.id, ann.id, bob.id)
    s.close()

    ui.login(ann_email, PASSWORD)
    ui.goto(f"/assignments/{a_id}/exchange")
    ui.page.get_by_label(re.compile(re.escape(f"({bob_name})"))).check()
    ui.click("Offer the swap")
    ui.sees("Swap offered")
    ui.page.get_by_role("button", name="Sign out").click()
    ui.page.wait_for_load_state()

    ui.login(bob_email, PASSWORD)
    ui.goto("/shifts/mine")
    ui.sees(f"{ann_name} would like to swap")
    ui.page.get_by_role("button", name=re.compile(r"^Yes, swap")).first.click()
    ui.check()
    ui.sees("Swapped: both shifts have changed hands.")
    s = live.session()
    mine_id, theirs_id, ann_id, bob_id = ids
    holders = {
        x.shift_id: x.member_id
        for x in s.scalars(
            select(Assignment).where(
                Assignment.status == "accepted", Assignment.shift_id.in_([mine_id, theirs_id])
            )
        )
    }
    s.close()
    assert holders == {mine_id: bob_id, theirs_id: ann_id}
