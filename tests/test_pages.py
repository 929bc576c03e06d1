"""Every page renders for the people who may see it, on the demo co-op (catches template
errors), and shows what they came for."""

from sqlalchemy import select

from coop.bookings.clients import regenerate_client_feed
from coop.bookings.models import Booking, Shift
from coop.members.models import Member, Skill
from coop.rota import service as rota
from tests.conftest import signed_in


def test_member_pages(demo, make_web):
    web = signed_in(make_web, "member")
    member = demo.scalar(select(Member).where(Member.display_name == "Chris Taylor"))
    feed_token = rota.regenerate_feed(demo, member)
    for url, text in [
        ("/home", "Hello, Chris Taylor"),
        ("/home", "Meet on Saturdays"),
        ("/shifts/open", "Open shifts"),
        ("/shifts/mine", "My shifts"),
        ("/availability", "When I can work"),
        ("/calendar", "calendar"),
        ("/my/limit", "My earnings limit"),
        ("/my/earnings", "My earnings"),
        ("/rates", "Co-op keeps"),
        ("/me", "My profile"),
    ]:
        r = web.get(url)
        assert r.status_code == 200, url
        assert text in r.get_data(as_text=True), url
    ics = web.get(f"/calendar/member/{feed_token}.ics")
    assert ics.status_code == 200 and ics.mimetype == "text/calendar"
    assert web.get("/my/earnings.csv").status_code == 200


def test_coordinator_pages(demo, make_web):
    web = signed_in(make_web, "coordinator")
    booking = demo.scalars(select(Booking).where(Booking.status == "scheduled")).first()
    request_ = demo.scalars(select(Booking).where(Booking.status == "requested")).first()
    shift = demo.scalars(select(Shift)).first()
    member = demo.scalars(select(Member)).first()
    skill = demo.scalars(select(Skill)).first()
    for url, text in [
        ("/home", "Income and member pay by month"),
        ("/home", "Hours per member this month"),
        ("/home", "Timesheets waiting"),
        ("/bookings", "Requests waiting"),
        (f"/bookings/{booking.id}", "Visits"),
        (f"/bookings/{request_.id}", "Confirm"),
        ("/bookings/new", "Book for a client"),
        (f"/shifts/{shift.id}/edit", "Change the visit"),
        (f"/shifts/{shift.id}/fill", "Fill"),
        ("/rota", "Rota: week of"),
        ("/rota?view=member", "Rota"),
        ("/rota?print=1", "Rota"),
        ("/rota/unfilled", "Unfilled"),
        ("/clients", "Corner Bakery"),
        (f"/clients/{booking.client_id}", "Contacts"),
        ("/clients/new", "New client"),
        ("/services", "pay floor"),
        ("/services/new", "New service"),
        (f"/services/{booking.service_id}", "Member pay"),
        ("/members", "Chris Taylor"),
        (f"/members/{member.id}", "Profile"),
        (f"/members/{member.id}/limit", "Set a limit"),
        ("/skills", "Gardening"),
        (f"/skills/{skill.id}", "Edit skill"),
        ("/members/invite", "Invite"),
        ("/audit", "Audit log"),
        ("/rates", "Co-op keeps"),
    ]:
        r = web.get(url)
        assert r.status_code == 200, url
        assert text in r.get_data(as_text=True), url


def test_client_pages(demo, make_web):
    web = signed_in(make_web, "client")
    from coop.auth.service import find_user
    from coop.bookings.service import client_for_user

    client = client_for_user(demo, find_user(demo, "client@demo.coop.works").id)
    booking = demo.scalars(select(Booking).where(Booking.client_id == client.id)).first()
    for url, text in [
        ("/home", "Corner Bakery"),
        ("/home", "Invoices to pay"),
        ("/my/bookings", "Bookings for Corner Bakery"),
        ("/my/bookings/new", "Book a service"),
        (f"/my/bookings/{booking.id}", booking.service.name),
        (f"/my/bookings/new?again={booking.id}", booking.site_address.split(",")[0]),
        ("/my/calendar", "calendar"),
    ]:
        r = web.get(url)
        assert r.status_code == 200, url
        assert text in r.get_data(as_text=True), url
    ics = web.get(f"/calendar/client/{regenerate_client_feed(demo, client)}.ics")
    assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.data


def test_coordinator_approves_the_demo_week_and_runs_pay(demo, make_web):
    from datetime import timedelta

    from coop.pay.models import PayRun
    from coop.timesheets.models import TimesheetEntry
    from coop.timeutil import today_london

    web = signed_in(make_web, "coordinator")
    waiting = demo.scalars(select(TimesheetEntry).where(TimesheetEntry.status == "submitted")).all()
    assert len(waiting) == 4
    assert web.post("/timesheets/approve", {"entry": [str(e.id) for e in waiting]}).status_code == 302
    today = today_london()
    web.post(
        "/pay/runs",
        {
            "period_start": (today - timedelta(days=21)).isoformat(),
            "period_end": (today - timedelta(days=1)).isoformat(),
        },
    )
    demo.rollback()
    run = demo.scalars(select(PayRun)).one()
    page = web.get(f"/pay/runs/{run.id}").get_data(as_text=True)
    assert "Holiday pay" in page and len(run.statements) >= 1
    assert web.post(f"/pay/runs/{run.id}/finalise").status_code == 302


def test_demo_has_bookings_in_every_state(demo):
    states = set(demo.scalars(select(Booking.status)).all())
    assert {"requested", "declined", "scheduled", "completed", "invoiced", "cancelled"} <= states


def test_admin_pages(demo, make_web):
    web = signed_in(make_web, "admin")
    for url, text in [
        ("/settings", "Pay floor"),
        ("/settings/pay_floor_pence", "History"),
        ("/people", "Change roles"),
    ]:
        r = web.get(url)
        assert r.status_code == 200, url
        assert text in r.get_data(as_text=True), url


def test_detail_pages_for_proposals_sessions_and_entries(demo, make_web):
    from coop.directory.models import DirectoryEntry
    from coop.governance.models import Proposal
    from coop.skillshare.models import SkillSession

    member = signed_in(make_web, "member")
    coordinator = signed_in(make_web, "coordinator")
    p = demo.scalars(select(Proposal)).first()
    s = demo.scalars(select(SkillSession)).first()
    e = demo.scalars(select(DirectoryEntry)).first()
    assert p.title in member.get(f"/proposals/{p.id}").get_data(as_text=True)
    # the demo member is the teacher of the demo session
    assert "You can mark who came once the session starts" in member.get(f"/learning/{s.id}").get_data(
        as_text=True
    )
    assert "Pay the teaching time" in coordinator.get(f"/learning/{s.id}").get_data(as_text=True)
    assert e.name in coordinator.get(f"/directory/manage/{e.id}").get_data(as_text=True)


def test_close_proposals_cli(app, demo):
    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from coop.cli import cli

    result = CliRunner().invoke(cli, ["close-proposals"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0 and "Closed 0 proposal(s)" in result.output
