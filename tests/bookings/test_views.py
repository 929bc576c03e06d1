"""Booking journeys through HTTP: request, estimate, confirm, decline, edit, cancel, access."""

from datetime import date, time, timedelta

import pytest
from sqlalchemy import select

from coop.bookings import service as bookings
from coop.bookings.models import Booking, Shift
from coop.mail.models import OutboxMessage
from coop.timeutil import today_london
from tests import factories


@pytest.fixture
def setup(session):
    skill = factories.skill(session, "Cleaning")
    svc = factories.service(session, skill, name="Office cleaning", charge=2600, pay=1400, min_minutes=60)
    a = factories.client(session, "Corner Bakery", contact_email="a@client.example")
    b = factories.client(session, "Other Shop", contact_email="b@client.example")
    factories.coordinator(session, "coord@example.org")
    return svc, a, b


def next_weekday(weekday, weeks_ahead=1):
    today = today_london()
    return today + timedelta(days=(weekday - today.weekday()) % 7 + 7 * weeks_ahead)


def form(svc, **kw):
    data = {
        "service_id": svc.id,
        "site_address": "12 Mill Lane",
        "start_date": next_weekday(0).isoformat(),
        "start_time": "09:00",
        "end_time": "12:00",
        "workers": "2",
        "recurrence": "none",
        "notes": "",
    }
    data.update(kw)
    return data


def test_client_previews_price_then_requests_a_recurring_booking(web, session, setup):
    svc, client_a, _ = setup
    web.login("a@client.example")
    data = form(svc, recurrence="weekly", weekdays=["0", "2"], occurrences="4")
    preview = web.post("/my/bookings/new", {**data, "preview": "Check the price"}).get_data(as_text=True)
    # 4 visits × 3 h × 2 workers × £26 = £624 + VAT £124.80
    assert "£624.00" in preview and "£124.80" in preview and "£748.80" in preview
    assert "no charge up to 24 hours" in preview
    assert session.scalar(select(Booking)) is None  # a preview saves nothing
    r = web.post("/my/bookings/new", {**data, "submit": "Send"})
    assert r.status_code == 302
    session.rollback()
    session.expire_all()
    booking = session.scalar(select(Booking))
    assert booking.status == "requested" and booking.client_id == client_a.id and booking.occurrences == 4


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"end_time": "09:00"}, "end time must be different"),
        ({"start_date": (today_london() - timedelta(days=2)).isoformat()}, "must be in the future"),
        ({"workers": "0"}, "Between 1 and 50 workers"),
        ({"workers": "5000"}, "Between 1 and 50 workers"),
        ({"recurrence": "weekly"}, "Say when the repeats end"),
        ({"end_time": "09:30"}, "booked for at least 1 hour"),
    ],
)
def test_bad_booking_input_is_explained_and_saves_nothing(web, session, setup, change, message):
    svc, _, _ = setup
    web.login("a@client.example")
    page = web.post("/my/bookings/new", {**form(svc), **change, "submit": "Send"}).get_data(as_text=True)
    assert message in page
    assert session.scalar(select(Booking)) is None


def test_inactive_service_cannot_be_booked(web, session, setup):
    svc, _, _ = setup
    svc.active = False
    session.commit()
    web.login("a@client.example")
    page = web.post("/my/bookings/new", {**form(svc), "submit": "Send"}).get_data(as_text=True)
    assert "Not a valid choice" in page or "not available" in page
    assert session.scalar(select(Booking)) is None


def test_coordinator_confirms_creating_shifts_and_client_is_emailed(web, make_web, session, setup):
    svc, client_a, _ = setup
    booking = bookings.request_booking(
        session,
        client_a,
        bookings.BookingData(
            svc.id,
            "12 Mill Lane",
            next_weekday(0),
            time(9),
            time(12),
            2,
            recurrence="weekly",
            weekdays=[0, 2],
            occurrences=4,
        ),
        actor_id=1,
    )
    web.login("coord@example.org")
    queue = web.get("/bookings").get_data(as_text=True)
    assert "Corner Bakery" in queue and "members with the skill are free" in queue
    assert web.post(f"/bookings/{booking.id}/confirm").status_code == 302
    session.rollback()
    session.expire_all()
    shifts = session.scalars(select(Shift).order_by(Shift.starts_at)).all()
    assert len(shifts) == 4 and all(s.slots == 2 for s in shifts)
    assert session.get(Booking, booking.id).status == "scheduled"
    subjects = session.scalars(select(OutboxMessage.subject)).all()
    assert any("Booking confirmed" in s for s in subjects)
    # confirming twice does nothing more
    web.post(f"/bookings/{booking.id}/confirm")
    assert len(session.scalars(select(Shift)).all()) == 4


def test_decline_needs_a_reason_and_tells_the_client(web, session, setup):
    svc, client_a, _ = setup
    booking = bookings.request_booking(
        session,
        client_a,
        bookings.BookingData(svc.id, "x", next_weekday(1), time(9), time(12), 1),
        actor_id=1,
    )
    web.login("coord@example.org")
    web.post(f"/bookings/{booking.id}/decline", {"reason": ""})
    session.rollback()
    session.expire_all()
    assert session.get(Booking, booking.id).status == "requested"
    web.post(f"/bookings/{booking.id}/decline", {"reason": "No one free that day"})
    session.rollback()
    session.expire_all()
    assert session.get(Booking, booking.id).status == "declined"
    messages = session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.not_like("Booking request%"))
    ).all()
    assert sorted(m.to_address for m in messages) == ["a@client.example", "bills@example.org"]
    assert all("No one free that day" in m.body for m in messages)
    # The coordinators were told of the request when it came in.
    [told] = session.scalars(
        select(OutboxMessage).where(OutboxMessage.subject.like("Booking request%"))
    ).all()
    assert told.to_address == "coord@example.org"


def test_phone_booking_on_behalf_of_a_client(web, session, setup):
    svc, client_a, _ = setup
    web.login("coord@example.org")
    r = web.post("/bookings/new", {**form(svc), "client_id": client_a.id, "submit": "Book"})
    assert r.status_code == 302
    session.rollback()
    session.expire_all()
    booking = session.scalar(select(Booking))
    assert booking.status == "scheduled" and len(session.scalars(select(Shift)).all()) == 1
    statuses = [e.status for e in booking.events]
    assert statuses == ["requested", "confirmed", "scheduled"]


def test_overnight_shift_across_the_october_clock_change_keeps_nine_hours(session, setup):
    svc, client_a, _ = setup
    year = today_london().year + 1
    last_sunday = max(date(year, 10, d) for d in range(25, 32) if date(year, 10, d).weekday() == 6)
    booking = bookings.book_on_behalf(
        session,
        client_a,
        bookings.BookingData(svc.id, "x", last_sunday - timedelta(days=1), time(22), time(6), 1),
        actor_id=1,
    )
    [shift] = booking.shifts
    assert shift.minutes == 9 * 60
    plan = bookings.plan_booking(session, bookings.booking_data(booking))
    assert plan.estimate.net_pence == 9 * 2600


def test_edit_one_visit_or_all_future_visits(web, session, setup):
    svc, client_a, _ = setup
    booking = bookings.book_on_behalf(
        session,
        client_a,
        bookings.BookingData(
            svc.id, "Old Road", next_weekday(0), time(9), time(12), 1, recurrence="weekly", occurrences=4
        ),
        actor_id=1,
    )
    shifts = sorted(booking.shifts, key=lambda s: s.starts_at)
    web.login("coord@example.org")
    from coop.timeutil import to_london

    def edit(shift, scope, start):
        return web.post(
            f"/shifts/{shift.id}/edit",
            {
                "day": to_london(shift.starts_at).date().isoformat(),
                "start_time": start,
                "end_time": "14:00",
                "site_address": "New Road",
                "notes": "",
                "slots": "1",
                "scope": scope,
            },
        )

    assert edit(shifts[1], "one", "10:00").status_code == 302
    session.rollback()
    session.expire_all()
    hours = [
        to_london(s.starts_at).hour
        for s in sorted(session.get(Booking, booking.id).shifts, key=lambda s: s.starts_at)
    ]
    assert hours == [9, 10, 9, 9]
    assert edit(shifts[2], "future", "11:00").status_code == 302
    session.rollback()
    session.expire_all()
    got = sorted(session.get(Booking, booking.id).shifts, key=lambda s: s.starts_at)
    assert [to_london(s.starts_at).hour for s in got] == [9, 10, 11, 11]
    assert [s.site_address for s in got] == ["Old Road", "New Road", "New Road", "New Road"]


def test_cancellation_fee_under_notice(session, setup):
    svc, client_a, _ = setup
    booking = bookings.book_on_behalf(
        session,
        client_a,
        bookings.BookingData(svc.id, "x", next_weekday(0), time(9), time(12), 2),
        actor_id=1,
    )
    [shift] = booking.shifts
    early = shift.starts_at - timedelta(hours=30)
    assert bookings.cancellation_fee(session, shift, early) == 0
    late = shift.starts_at - timedelta(hours=3)
    assert bookings.cancellation_fee(session, shift, late) == 3 * 2 * 2600
    assert bookings.cancel_booking(session, booking, actor_id=1, now=late) == 3 * 2 * 2600
    assert shift.status == "cancelled" and booking.status == "cancelled"
    with pytest.raises(Exception, match="can no longer be cancelled"):
        bookings.cancel_booking(session, booking, actor_id=1, now=late)


def test_client_sees_only_their_own_bookings(web, make_web, session, setup):
    svc, client_a, _client_b = setup
    booking = bookings.book_on_behalf(
        session,
        client_a,
        bookings.BookingData(svc.id, "Secret Street", next_weekday(0), time(9), time(12), 1),
        actor_id=1,
    )
    web.login("b@client.example")
    assert web.get(f"/my/bookings/{booking.id}").status_code == 404
    assert web.post(f"/my/bookings/{booking.id}/cancel").status_code == 404
    assert "Secret Street" not in web.get("/my/bookings").get_data(as_text=True)
    assert web.get(f"/my/bookings/new?again={booking.id}").status_code == 404
    owner = make_web()
    owner.login("a@client.example")
    assert "Secret Street" in owner.get(f"/my/bookings/{booking.id}").get_data(as_text=True)
    # a member trying client routes
    factories.member(session, email="m@example.org")
    member = make_web()
    member.login("m@example.org")
    assert member.get("/my/bookings").status_code == 403


def test_client_cancels_within_policy_and_sees_first_names_only(web, session, setup):
    svc, client_a, _ = setup
    booking = bookings.book_on_behalf(
        session,
        client_a,
        bookings.BookingData(svc.id, "x", next_weekday(0, 2), time(9), time(12), 1),
        actor_id=1,
    )
    m = factories.member(session, name="Priya Shah", skills=[svc.skill])
    from coop.rota import service as rota

    rota.claim(session, m.id, booking.shifts[0].id)
    web.login("a@client.example")
    page = web.get("/my/bookings").get_data(as_text=True)
    assert "Priya" in page and "Shah" not in page
    assert web.post(f"/my/bookings/{booking.id}/cancel").status_code == 302
    session.rollback()
    session.expire_all()
    assert session.get(Booking, booking.id).status == "cancelled"
    assert session.get(Shift, booking.shifts[0].id).cancellation_fee_pence == 0


def test_client_calendar_feed_is_secret_and_revocable(web, session, setup):
    import icalendar

    svc, client_a, _ = setup
    bookings.book_on_behalf(
        session,
        client_a,
        bookings.BookingData(svc.id, "x", next_weekday(0), time(9), time(12), 1),
        actor_id=1,
    )
    web.login("a@client.example")
    page = web.post("/my/calendar").get_data(as_text=True)  # shown once, on the answer
    old = page.split("<code>")[1].split("</code>")[0].replace("http://coop.test", "")
    assert "<code>" not in web.get("/my/calendar").get_data(as_text=True)
    cal = icalendar.Calendar.from_ical(web.get(old).data)
    assert len(cal.walk("VEVENT")) == 1
    web.post("/my/calendar")
    assert web.get(old).status_code == 404


def test_bookings_whose_visits_have_all_ended_are_completed_by_the_hourly_job(app, session):
    from datetime import timedelta

    from click.testing import CliRunner
    from flask.cli import ScriptInfo

    from coop.bookings.models import Booking
    from coop.cli import cli

    done = factories.shift(session, starts_in=timedelta(days=-2))
    ahead = factories.shift(session, starts_in=timedelta(days=2))
    done_id, ahead_id = done.booking_id, ahead.booking_id
    result = CliRunner().invoke(cli, ["complete-bookings"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0 and "Completed 1 booking(s)" in result.output
    session.expire_all()
    assert session.get(Booking, done_id).status == "completed"
    assert session.get(Booking, ahead_id).status == "scheduled"


def next_clock_change(forward: bool) -> date:
    from coop.timeutil import local_span_to_utc

    day = today_london() + timedelta(days=2)
    while True:
        start, end = local_span_to_utc(day, time(0, 0), time(6, 0))
        if (end - start) != timedelta(hours=6) and ((end - start) < timedelta(hours=6)) == forward:
            return day
        day += timedelta(days=1)


def test_a_time_that_does_not_exist_is_named_and_a_night_across_the_change_shows_its_real_length(
    web, session, setup
):
    svc, _, _ = setup
    web.login("a@client.example")
    spring = next_clock_change(forward=True)
    page = web.post(
        "/my/bookings/new",
        {**form(svc, start_date=spring.isoformat(), start_time="01:30", end_time="04:00"), "submit": "Send"},
    ).get_data(as_text=True)
    assert "01:30 does not exist on" in page and "clocks go forward" in page
    assert "booked for at least" not in page
    assert session.scalar(select(Booking)) is None
    autumn = next_clock_change(forward=False)
    preview = web.post(
        "/my/bookings/new",
        {
            **form(
                svc, start_date=(autumn - timedelta(days=1)).isoformat(), start_time="22:00", end_time="06:00"
            ),
            "preview": "Check the price",
        },
    ).get_data(as_text=True)
    assert "the clocks change that night, so this visit is really 9 hours long" in preview


def test_a_recurring_request_whose_first_visits_passed_is_confirmed_for_the_rest(web, session, setup):
    from coop.timeutil import utcnow

    svc, client_a, _ = setup
    start = today_london() - timedelta(days=3)
    booking = bookings.request_booking(
        session,
        client_a,
        bookings.BookingData(
            svc.id,
            "12 Mill Lane",
            today_london() + timedelta(days=1),
            time(9),
            time(12),
            1,
            recurrence="weekly",
            weekdays=[0, 1, 2, 3, 4, 5, 6],
            occurrences=6,
        ),
        actor_id=1,
    )
    session.execute(Booking.__table__.update().where(Booking.id == booking.id).values(start_date=start))
    session.commit()
    web.login("coord@example.org")
    page = web.get(f"/bookings/{booking.id}").get_data(as_text=True)
    assert "have already passed and will not be booked" in page
    web.post(f"/bookings/{booking.id}/confirm", {})
    session.rollback()
    session.expire_all()
    shifts = session.scalars(select(Shift).where(Shift.booking_id == booking.id)).all()
    assert shifts and all(s.starts_at > utcnow() for s in shifts) and len(shifts) < 6
    assert session.get(Booking, booking.id).status == "scheduled"


def test_a_client_cancels_one_visit_seeing_the_fee_and_why_first(web, session, setup):
    from html import unescape

    from coop.bookings.models import ShiftStatus
    from coop.settings import service as settings
    from coop.timeutil import utcnow

    svc, client_a, _ = setup
    booking = bookings.request_booking(
        session,
        client_a,
        bookings.BookingData(
            svc.id,
            "12 Mill Lane",
            today_london() + timedelta(days=1),
            time(9),
            time(12),
            1,
            recurrence="weekly",
            weekdays=[0, 1, 2, 3, 4, 5, 6],
            occurrences=3,
        ),
        actor_id=1,
    )
    bookings.confirm_booking(session, booking, actor_id=1)
    web.login("a@client.example")
    shifts = sorted(
        session.scalars(select(Shift).where(Shift.booking_id == booking.id)), key=lambda s: s.starts_at
    )
    # Within the grace period after booking, nothing is charged whatever the notice.
    page = web.get(f"/my/visits/{shifts[0].id}/cancel").get_data(as_text=True)
    assert "no charge: it is within 30 minutes of booking" in page
    settings.set_value(
        session, "cancellation_grace_minutes", 0, effective_from=today_london() - timedelta(days=1)
    )
    session.commit()
    page = unescape(web.get(f"/my/visits/{shifts[0].id}/cancel").get_data(as_text=True))
    soon = shifts[0].starts_at - utcnow() < timedelta(hours=24)
    assert ("less than 24 hours' notice" in page) == soon and "What it costs" in page
    later = unescape(web.get(f"/my/visits/{shifts[1].id}/cancel?scope=later").get_data(as_text=True))
    assert "no charge: more than 24 hours' notice" in later and "Cancel 2 visits" in later
    # A stale fee (the page was open while a notice limit passed) cancels nothing.
    r = web.post(f"/my/visits/{shifts[1].id}/cancel", {"scope": "later", "fee": "999"}, follow_redirects=True)
    assert "nothing was cancelled" in r.get_data(as_text=True)
    web.post(f"/my/visits/{shifts[1].id}/cancel", {"scope": "one", "fee": "0"})
    session.rollback()
    session.expire_all()
    statuses = [session.get(Shift, s.id).status for s in shifts]
    assert statuses == [ShiftStatus.SCHEDULED, ShiftStatus.CANCELLED, ShiftStatus.SCHEDULED]
    assert "this visit is cancelled" in web.get("/my/bookings").get_data(as_text=True)
