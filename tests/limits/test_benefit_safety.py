"""Benefit-safe on every path, through HTTP: each way work or pay can change goes through the one
limit rule, a coordinator never places anyone or sees a figure, and periods are the member's own."""

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from coop.audit.models import AuditEntry
from coop.bookings import service as bookings
from coop.errors import DomainError
from coop.limits import service as limits
from coop.limits.models import BenefitLimit
from coop.mail.models import OutboxMessage
from coop.pay.models import PayAdjustment
from coop.rota import service as rota
from coop.rota.models import Assignment
from coop.timesheets import service as timesheets
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import to_london, today_london, utcnow
from tests import factories
from tests.factories import fresh, held_shift, limit, shown, worked_shift
from tests.limits import checks


def edit_payload(shift, *, extra_hours=0, **kw):
    start, end = to_london(shift.starts_at), to_london(shift.ends_at + timedelta(hours=extra_hours))
    return {
        "day": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "site_address": shift.site_address,
        "notes": "",
        "slots": str(shift.slots),
        "scope": "one",
        **kw,
    }


def test_1_a_coordinator_cannot_extend_a_shift_over_a_members_limit_unseen(web, make_web, session):
    member, shift = held_shift(session)  # 3 h at £15 + holiday = £50.43 of a £55 weekly limit
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    before = (shift.starts_at, shift.ends_at)
    r = web.post(f"/shifts/{shift.id}/edit", edit_payload(shift, extra_hours=1))
    page = shown(r.get_data(as_text=True))
    assert r.status_code == 200 and "does not fit 1 member" in page and "nothing was saved" in page
    assert "£55" not in page and "55.00" not in page  # never the figures
    fresh(session)
    assert (shift.starts_at, shift.ends_at) == before
    # Saved as a question: the member keeps the place only by saying yes to the shift as it is now.
    r = web.post(f"/shifts/{shift.id}/edit", edit_payload(shift, extra_hours=1, ask_members="y"))
    assert r.status_code == 302
    fresh(session)
    a = session.scalars(select(Assignment)).one()
    assert a.status == "asked" and shift.ends_at == before[1] + timedelta(hours=1)
    assert shift.filled == 1  # the place is kept for them while they decide
    mail = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == member.user.email)).all()
    assert any("still suit you" in m.subject for m in mail)
    assert not any("£55" in m.body or "55.00" in m.body for m in mail)  # never the figure
    esa = make_web()
    esa.login("esa@example.org")
    mine = esa.get("/shifts/mine").get_data(as_text=True)
    assert "A coordinator asked you" in mine and "over your earnings limit" in mine
    assert "Yes, I can do it" not in mine  # a 'block' limit: only "no" is offered
    r = esa.post(f"/assignments/{a.id}/answer", {"answer": "yes"})
    fresh(session)
    assert a.status == "asked"  # refused by the rule, even if posted
    esa.post(f"/assignments/{a.id}/answer", {"answer": "no"})
    fresh(session)
    assert a.status == "dropped" and shift.filled == 0


def test_1_a_change_that_fits_is_saved_and_a_pay_rise_that_does_not_is_refused(web, session):
    _member, shift = held_shift(session)
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    r = web.post(f"/shifts/{shift.id}/edit", edit_payload(shift, notes="Bring gloves"))
    assert r.status_code == 302
    fresh(session)
    assert session.scalars(select(Assignment)).one().status == "accepted"
    svc = shift.service
    form = {
        "name": svc.name,
        "description": "",
        "skill_id": str(svc.skill_id),
        "charge": "25.00",
        "pay": "17.00",  # £17 x 3 h + holiday = £57.16, over £55
        "vat_rate": "20",
        "min_booking_hours": "1",
        "active": "y",
    }
    r = web.post(f"/services/{svc.id}", form)
    assert r.status_code == 200 and "does not fit 1 member" in r.get_data(as_text=True)
    fresh(session)
    assert svc.pay_pence_per_hour == 1500
    r = web.post(f"/services/{svc.id}", {**form, "ask_members": "y"})
    assert r.status_code == 302
    fresh(session)
    assert svc.pay_pence_per_hour == 1700
    assert session.scalars(select(Assignment)).one().status == "asked"


def test_2_give_the_slot_asks_the_member_and_only_their_yes_makes_it_theirs(web, make_web, session):
    skill = factories.skill(session)
    shift = factories.shift(session, service_=factories.service(session, skill))
    m = factories.member(session, name="Able Person", email="able@example.org", skills=[skill])
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    web.post(f"/shifts/{shift.id}/fill", {"member_id": str(m.id)})
    fresh(session)
    a = session.scalars(select(Assignment)).one()
    assert a.status == "asked" and rota.my_shifts(session, m) == []
    assert "kept for Able Person" in web.get(f"/shifts/{shift.id}/fill").get_data(as_text=True)
    member = make_web()
    member.login("able@example.org")
    assert "A coordinator asked you" in member.get("/home").get_data(as_text=True)
    assert "A coordinator asked you" in member.get("/shifts/mine").get_data(as_text=True)
    member.post(f"/assignments/{a.id}/answer", {"answer": "yes"})
    fresh(session)
    assert a.status == "accepted" and [x.id for x in rota.my_shifts(session, m)] == [a.id]


def test_2_unanswered_questions_lapse_when_the_shift_starts(session):
    skill = factories.skill(session)
    shift = factories.shift(session, service_=factories.service(session, skill))
    m = factories.member(session, skills=[skill])
    a = rota.ask(session, m.id, shift.id)
    from coop.rota import offers

    assert offers.lapse_offers(session, now=shift.starts_at + timedelta(minutes=1)) == 1
    fresh(session)
    assert a.status == "dropped" and shift.filled == 0


def test_3_a_surplus_share_counts_on_its_pay_day_and_can_be_spread(web, session):
    m = factories.member(session, email="uc@example.org")
    limit(session, m, 10_000, period="monthly", start_day=6, count_by="paid", mode="block")
    share = factories.surplus_share(session, m, pence=15_000, minutes=600)
    web.login("uc@example.org")
    page = web.get("/my/surplus").get_data(as_text=True)
    assert "would go over your limit" in page and "Spread over 2 pay days, it fits" in page
    web.post(f"/my/surplus/{share.id}/take", {"amount": "", "parts": "1"})
    fresh(session)
    assert session.scalars(select(PayAdjustment)).all() == []  # refused: a 'block' limit
    web.post(f"/my/surplus/{share.id}/take", {"amount": "", "parts": "2"})
    fresh(session)
    adjustments = session.scalars(select(PayAdjustment).order_by(PayAdjustment.pay_on)).all()
    assert [a.amount_pence for a in adjustments] == [7500, 7500]
    schedule = limits.pay_schedule(session)
    first_payday = schedule.next_payday(today_london())
    assert adjustments[0].pay_on == first_payday
    # Counted in the assessment period its pay day falls in, not a month later.
    history = limits.earnings_history(session, m, limits.limit_for(session, m.id), today=first_payday)
    now = history[-1]
    assert first_payday in now.period and now.pay_pence == 7500
    assert share.taken_pence == 15_000 and share.status == "paid"


def test_3_take_less_and_keep_the_rest(web, session):
    m = factories.member(session, email="esa@example.org")
    limit(session, m, 5_000)
    share = factories.surplus_share(session, m, pence=8_000, minutes=60)
    web.login("esa@example.org")
    assert "The most you can take on your next pay day" in web.get("/my/surplus").get_data(as_text=True)
    web.post(f"/my/surplus/{share.id}/take", {"amount": "40.00", "parts": "1"})
    fresh(session)
    assert share.taken_pence == 4_000 and share.status == "deferred"
    assert "Left to take: <strong>£40.00" in web.get("/my/surplus").get_data(as_text=True)


def test_4_limit_figures_stay_out_of_the_audit_log_and_the_member_is_told(web, make_web, session):
    m = factories.member(session, name="Uc Member", email="m@example.org")
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    r = web.post(
        f"/members/{m.id}/limit",
        {
            "earnings_limit": "411.00",
            "hours_limit": "",
            "period": "monthly",
            "period_start_day": "6",
            "week_start_day": "0",
            "mode": "warn",
            "count_by": "paid",
        },
    )
    assert r.status_code == 302
    fresh(session)
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action.like("cap.%"))).one()
    assert (entry.before, entry.after) == ("{}", "{}")
    audit = web.get("/audit").get_data(as_text=True)
    assert "Set the earnings limit of Uc Member, at their request" in audit
    assert "411" not in audit and "41100" not in audit
    [mail] = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "m@example.org")).all()
    assert "changed your earnings limit" in mail.subject and "411" not in mail.body
    member = make_web()
    member.login("m@example.org")
    assert "a coordinator, changed your limit" in member.get("/my/earnings").get_data(as_text=True)


def test_5_involvement_work_can_be_taken_at_a_rate_that_fits_before_claiming(web, make_web, session):
    skill = factories.skill(session, "Panels")
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    r = web.post(
        "/services/new",
        {
            "name": "Interview panel",
            "description": "",
            "skill_id": str(skill.id),
            "charge": "30.00",
            "pay": "20.00",
            "vat_rate": "0",
            "min_booking_hours": "1",
            "active": "y",
            "involvement": "y",
        },
    )
    assert r.status_code == 302
    fresh(session)
    from coop.bookings.models import Service

    svc = session.scalars(select(Service)).one()
    assert svc.involvement
    shift = factories.shift(session, service_=svc, hours=2)  # £40 + holiday = £44.83
    m = factories.member(session, email="m@example.org", skills=[skill])
    limit(session, m, 3_500)  # fits at about £15.61 an hour, above the legal minimum
    member = make_web()
    member.login("m@example.org")
    page = member.get("/shifts/open").get_data(as_text=True)
    assert "an hour, so it fits" in page and "Take it unpaid" in page
    planner = limits.Planner.for_member(session, m)
    rate = planner.rate_that_fits(shift)
    assert rate is not None and 0 < rate < 2000 and planner.fit(shift, rate).fits
    assert not planner.fit(shift, rate + 1).fits
    member.post(f"/shifts/{shift.id}/claim", {"rate": str(rate)})
    fresh(session)
    a = session.scalars(select(Assignment)).one()
    assert a.chosen_pay_pence_per_hour == rate and a.status == "accepted"
    # Ordinary work is never paid below the floor: a chosen rate is refused there.
    other = factories.shift(session, service_=factories.service(session, skill), hours=1)
    member.post(f"/shifts/{other.id}/claim", {"rate": "0"})
    fresh(session)
    assert session.scalars(select(Assignment).where(Assignment.shift_id == other.id)).all() == []


def test_hours_over_a_limit_need_the_members_yes_and_are_paid(web, make_web, session):

    m = factories.member(session, email="m@example.org")
    a, shift, _ = worked_shift(session, hours=3, member_=m, days_ago=1)
    limit(session, m, None, 3 * 60 + 30)  # three and a half hours a week
    factories.coordinator(session, "coord@example.org")
    start, end = to_london(shift.starts_at), to_london(shift.ends_at + timedelta(hours=1))
    hours = {
        "day": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_time": end.strftime("%H:%M"),
        "break_minutes": "0",
        "note": "",
    }
    web.login("coord@example.org")
    page = shown(web.post(f"/timesheets/enter/{a.id}", hours).get_data(as_text=True))
    assert "only they can send them" in page and "3h" not in page
    member = make_web()
    member.login("m@example.org")
    page = member.post(f"/timesheets/record/{a.id}", hours).get_data(as_text=True)
    assert "over your limit" in page
    fresh(session)
    assert session.scalars(select(TimesheetEntry)).all() == []
    member.post(f"/timesheets/record/{a.id}", {**hours, "over_limit_confirmed": "y"})
    fresh(session)
    entry = session.scalars(select(TimesheetEntry)).one()
    assert entry.over_limit_confirmed and entry.status == "submitted"
    assert timesheets.approve(session, [entry.id], actor_id=1) == 1


def test_7_benefit_weeks_start_on_the_members_day_and_periods_on_any_day():
    assert limits.period_for("weekly", 1, date(2026, 11, 29), week_start_day=2) == limits.Period(
        date(2026, 11, 25), date(2026, 12, 1)
    )
    # A claim made on the 31st: the period starts on the last day of shorter months.
    assert limits.period_for("monthly", 31, date(2027, 2, 15)) == limits.Period(
        date(2027, 1, 31), date(2027, 2, 27)
    )
    assert limits.period_for("monthly", 31, date(2027, 2, 28)) == limits.Period(
        date(2027, 2, 28), date(2027, 3, 30)
    )
    assert limits.period_for("monthly", 30, date(2027, 3, 1)) == limits.Period(
        date(2027, 2, 28), date(2027, 3, 29)
    )


def test_7_a_member_chooses_their_benefit_week_day(web, session):
    factories.member(session, email="m@example.org")
    web.login("m@example.org")
    r = web.post(
        "/my/limit",
        {
            "earnings_limit": "195.50",
            "hours_limit": "15.98",
            "period": "weekly",
            "period_start_day": "1",
            "week_start_day": "3",
            "mode": "block",
            "count_by": "worked",
        },
    )
    assert r.status_code == 302
    fresh(session)
    limit = session.scalars(select(BenefitLimit)).one()
    assert limit.week_start_day == 3
    assert "Thursday to Wednesday" in web.get("/my/limit").get_data(as_text=True)
    r = web.post(
        "/my/limit",
        {
            "earnings_limit": "500",
            "period": "monthly",
            "period_start_day": "31",
            "week_start_day": "0",
            "mode": "warn",
            "count_by": "paid",
        },
    )
    fresh(session)
    assert (limit.period, limit.period_start_day) == ("monthly", 31)
    assert utcnow()  # the page works with a day-31 period
    assert web.get("/my/earnings").status_code == 200


def test_a_correction_that_breaks_a_limit_is_refused_until_a_pay_day_that_suits(web, session):
    from coop.pay import service as pay

    m = factories.member(session, name="Carer Member", email="m@example.org")
    limit(session, m, 9_613)
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    paydays = pay.open_paydays(session, today_london(), 2)
    form = {
        "member_id": str(m.id),
        "amount": "120.00",
        "reason": "Missed shift",
        "pay_on": paydays[0].isoformat(),
    }
    r = web.post("/pay/adjustments", form, follow_redirects=True)
    page = shown(r.get_data(as_text=True))
    assert "over their own limit" in page and "96.13" not in page
    fresh(session)
    assert session.scalars(select(PayAdjustment)).all() == []
    form["amount"] = "90.00"
    web.post("/pay/adjustments", form)
    fresh(session)
    [adj] = session.scalars(select(PayAdjustment)).all()
    assert (adj.amount_pence, adj.pay_on) == (9_000, paydays[0])


def test_1_a_pay_rise_cannot_take_hours_worked_and_not_yet_approved_over_a_limit(session):
    """Worked hours count at the service's pay until approved, so a pay rise is checked for
    their holders too (not only for those of coming shifts), asked or not, and refused if it
    takes a period over; a rise that fits them is saved."""
    coordinator = factories.coordinator(session, "coord@example.org")
    a, shift, member = worked_shift(session, pay_rate=1500, hours=3, days_ago=10)
    limit(session, member, 5500)  # 3 h at £15 + holiday = £50.43; at £17, £57.16
    svc = shift.service

    def pay(rate, **kw):
        data = bookings.ServiceData(svc.name, "", svc.skill_id, 3000, rate, 2000, 60, True, False)
        return bookings.save_service(session, data, actor_id=coordinator.id, service=svc, **kw)

    for ask in (False, True):
        with pytest.raises(DomainError, match="work already done"):
            pay(1700, ask_members=ask)
        fresh(session)
        assert svc.pay_pence_per_hour == 1500 and a.status == "accepted"
        checks.within_limit(session, member.id)
    pay(1600)  # £53.80: fits
    fresh(session)
    assert svc.pay_pence_per_hour == 1600 and a.status == "accepted"
    checks.within_limit(session, member.id)
    # Once the hours are approved their pay is fixed, and a later rise leaves them as they are.
    timesheets.submit(
        session, a.id, factories.hours(shift), actor_id=coordinator.id, now=shift.ends_at + timedelta(hours=1)
    )
    timesheets.approve(session, [session.scalars(select(TimesheetEntry.id)).one()], actor_id=coordinator.id)
    pay(1700)
    fresh(session)
    assert svc.pay_pence_per_hour == 1700
    checks.within_limit(session, member.id)
