"""Benefit-safe earnings: limits, headroom, privacy and the property that block mode is never broken."""

from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from coop.audit.models import AuditEntry
from coop.errors import DomainError
from coop.limits import service as limits
from coop.limits.models import BenefitLimit
from coop.pay.models import PayAdjustment
from coop.rota import service as rota
from coop.rota.models import Assignment
from coop.timeutil import to_london, today_london, week_start
from tests import factories


def test_periods():
    assert limits.period_for("weekly", 1, date(2026, 11, 25)) == limits.Period(
        date(2026, 11, 23), date(2026, 11, 29)
    )
    assert limits.period_for("monthly", 15, date(2026, 11, 25)) == limits.Period(
        date(2026, 11, 15), date(2026, 12, 14)
    )
    assert limits.period_for("monthly", 15, date(2026, 11, 3)) == limits.Period(
        date(2026, 10, 15), date(2026, 11, 14)
    )


def test_pay_dates_move_before_weekends():
    monthly = limits.PaySchedule("monthly", 7)
    assert monthly.pay_date(date(2026, 10, 12)) == date(2026, 11, 6)  # 7 Nov 2026 is a Saturday
    weekly = limits.PaySchedule("weekly")
    assert weekly.pay_date(date(2026, 11, 23)) == date(2026, 12, 4)


def test_member_sets_a_limit_and_sees_headroom_on_shifts(web, session):
    skill = factories.skill(session)
    svc = factories.service(session, skill, name="Cleaning", pay=1500)
    factories.shift(session, service_=svc, hours=2)
    factories.member(session, email="m@example.org", skills=[skill])
    web.login("m@example.org")
    r = web.post(
        "/my/limit",
        {
            "earnings_limit": "50",
            "hours_limit": "",
            "period": "monthly",
            "period_start_day": "1",
            "mode": "block",
            "count_by": "worked",
        },
    )
    assert r.status_code == 302
    page = web.get("/shifts/open").get_data(as_text=True)
    assert "£16.38 left of your earnings limit after this" in page  # £50 - £33.62


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"earnings_limit": "-5"}, "between £0 and £10,000"),
        ({"earnings_limit": "99999999"}, "between £0 and £10,000"),
        ({"earnings_limit": "", "hours_limit": ""}, "Set an earnings limit, an hours limit, or both"),
        ({"period": "monthly", "period_start_day": "32"}, "Choose a day from 1 to 31"),
        ({"hours_limit": "abc"}, "Enter hours as a number"),
        ({"period": "weekly", "count_by": "paid"}, None),  # weekly ignores count by pay date
    ],
)
def test_bad_limits_are_refused_and_nothing_is_saved(web, session, data, message):
    factories.member(session, email="m@example.org")
    web.login("m@example.org")
    payload = {
        "earnings_limit": "100",
        "hours_limit": "",
        "period": "weekly",
        "period_start_day": "1",
        "mode": "block",
        "count_by": "worked",
        **data,
    }
    r = web.post("/my/limit", payload)
    session.rollback()
    saved = session.scalars(select(BenefitLimit)).all()
    if message is None:
        assert r.status_code == 302 and saved[0].count_by == "worked"
    else:
        assert message in r.get_data(as_text=True) and saved == []


def test_esa_preset_sets_two_limits_and_reminds_about_pw1(web, session):
    m = factories.member(session, email="m@example.org")
    web.login("m@example.org")
    r = web.post("/my/limit/preset", {"preset": "esa", "period_start_day": "1"}, follow_redirects=True)
    assert "form PW1" in r.get_data(as_text=True)
    limit = limits.limit_for(session, m.id)
    assert (limit.earnings_limit_pence, limit.hours_limit_minutes, limit.period, limit.mode) == (
        19550,
        16 * 60 - 1,
        "weekly",
        "block",
    )


def test_coordinator_never_sees_the_figures_and_their_change_is_audited(web, session):
    skill = factories.skill(session)
    shift = factories.shift(session, service_=factories.service(session, skill, pay=1500), hours=4)
    m = factories.member(session, name="Sam Okafor", skills=[skill])
    limits.set_limit(session, m, limits.LimitData(1234, None), actor_id=m.user_id, by_coordinator=False)
    coord = factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    fill = web.get(f"/shifts/{shift.id}/fill").get_data(as_text=True)
    assert "would go over their earnings or hours limit" in fill and "£12.34" not in fill
    limit_page = web.get(f"/members/{m.id}/limit").get_data(as_text=True)
    assert "already has a limit" in limit_page and "12.34" not in limit_page
    assert web.get("/my/limit").status_code == 403 and web.get("/my/earnings").status_code == 403
    r = web.post(f"/shifts/{shift.id}/fill", {"member_id": str(m.id)}, follow_redirects=True)
    assert (
        "does not fit Sam Okafor" in r.get_data(as_text=True)
        and "£" not in r.get_data(as_text=True).split("does not fit")[1][:80]
    )
    web.post(
        f"/members/{m.id}/limit",
        {
            "earnings_limit": "200",
            "period": "weekly",
            "period_start_day": "1",
            "mode": "block",
            "count_by": "worked",
        },
    )
    session.rollback()
    entry = session.scalars(select(AuditEntry).where(AuditEntry.action == "cap.set_by_coordinator")).one()
    assert entry.actor_id == coord.id


def test_warn_mode_needs_the_member_to_confirm(web, session):
    skill = factories.skill(session)
    shift = factories.shift(session, service_=factories.service(session, skill, pay=1500), hours=4)
    m = factories.member(session, email="m@example.org", skills=[skill])
    limits.set_limit(
        session, m, limits.LimitData(1000, None, mode="warn"), actor_id=m.user_id, by_coordinator=False
    )
    web.login("m@example.org")
    page = web.post(f"/shifts/{shift.id}/claim").get_data(as_text=True)
    assert "Check before you take this shift" in page and "over your limit" in page
    # the confirmation posts back to the claim, and "No, go back" is a page that opens
    assert f'action="/shifts/{shift.id}/claim"' in page
    assert 'href="/shifts/open"' in page and web.get("/shifts/open").status_code == 200
    assert web.post(f"/shifts/{shift.id}/claim", {"confirm": "yes"}).status_code == 302
    session.rollback()
    assert session.scalars(select(Assignment)).one().member_id == m.id


def test_earnings_page_has_chart_and_table(web, session):
    skill = factories.skill(session)
    shift = factories.shift(
        session, service_=factories.service(session, skill, pay=1500), hours=2, starts_in=timedelta(hours=5)
    )
    m = factories.member(session, email="m@example.org", skills=[skill])
    # A monthly period that began today (or by the 28th) holds a shift five hours away whatever
    # the day; a weekly one would not on a Sunday evening.
    start_day = min(today_london().day, 28)
    limits.set_limit(
        session,
        m,
        limits.LimitData(10000, None, "monthly", start_day),
        actor_id=m.user_id,
        by_coordinator=False,
    )
    rota.claim(session, m.id, shift.id)
    web.login("m@example.org")
    page = web.get("/my/earnings").get_data(as_text=True)
    assert "<svg" in page and "<table" in page and "£33.62" in page
    csv_text = web.get("/my/earnings.csv").get_data(as_text=True)
    assert "Gross earnings" in csv_text and "33.62" in csv_text


ACTIONS = st.lists(
    st.tuples(st.sampled_from(["claim", "drop", "swap"]), st.integers(0, 7), st.integers(0, 2)),
    min_size=1,
    max_size=14,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS, limit_hours=st.integers(1, 12))
def test_no_sequence_of_actions_breaks_a_block_limit(app, actions, limit_hours):
    """Whatever members claim, drop and swap, a member in block mode never holds more than their limit."""
    session = app.extensions["coop_db"][1]()
    try:
        skill = factories.skill(session)
        svc = factories.service(session, skill, pay=1500)
        shifts = [
            factories.shift(session, service_=svc, hours=1 + i % 3, starts_in=timedelta(days=1, hours=5 * i))
            for i in range(8)
        ]
        members = [factories.member(session, skills=[skill]) for _ in range(3)]
        for m in members:
            limits.set_limit(
                session,
                m,
                limits.LimitData(limit_hours * 1800, limit_hours * 60, "weekly" if False else "monthly", 1),
                actor_id=m.user_id,
                by_coordinator=False,
            )
        for action, shift_i, member_i in actions:
            member, shift = members[member_i], shifts[shift_i]
            try:
                if action == "claim":
                    rota.claim(session, member.id, shift.id)
                elif action == "drop":
                    held = session.scalars(
                        select(Assignment).where(
                            Assignment.member_id == member.id, Assignment.status == "accepted"
                        )
                    ).first()
                    if held:
                        rota.drop(session, member.id, held.id)
                else:
                    held = session.scalars(select(Assignment).where(Assignment.status == "accepted")).first()
                    if held and held.member_id != member.id:
                        offer = rota.offer_swap(session, held.member_id, held.id)
                        rota.accept_swap(session, member.id, offer.id)
            except DomainError:
                session.rollback()
        for m in members:
            planner = limits.Planner.for_member(session, m)
            for s in shifts:
                period = planner.period_of(s.starts_at.date())
                totals = planner.totals(period)
                assert totals.pay_pence <= limit_hours * 1800
                assert totals.minutes <= limit_hours * 60
    finally:
        session.close()


def test_work_and_pay_read_together_are_the_two_reads_apart(session):
    """The work and the pay adjustments read in one statement are what each read alone gives:
    negative and positive adjustments, on a span's first and last days, just outside, undated
    (the next pay day), with the member's held shift among them."""
    member, shift = factories.held_shift(session)  # in three days
    first = week_start(to_london(shift.starts_at).date())
    last = first + timedelta(days=6)
    for amount, pay_on in (
        (-1250, first),
        (700, first),
        (-1, last),
        (4_321, last),
        (-99, first - timedelta(days=1)),
        (55, last + timedelta(days=1)),
        (-300, None),
    ):
        session.add(
            PayAdjustment(member_id=member.id, amount_pence=amount, reason="Correction", pay_on=pay_on)
        )
    session.commit()
    spans = [(first, last), (last + timedelta(days=8), last + timedelta(days=12))]
    together = limits.rows_in(session, member.id, spans, spans)
    apart = limits.rows_in(session, member.id, spans, []) + limits.adjustment_rows(session, member.id, spans)
    assert together == apart
    assert limits.rows_in(session, member.id, [], spans) == limits.adjustment_rows(session, member.id, spans)
    undated = limits.pay_schedule(session).next_payday(today_london())  # where -300 is paid
    expected = [(first, -1250), (first, 700), (last, -1), (last, 4_321)]
    expected += [(undated, -300)] if any(a <= undated <= b for a, b in spans) else []
    assert sorted((r.work_day, r.pay_pence) for r in together if r.paid_on) == sorted(expected)
    worked = [r for r in together if not r.paid_on]
    assert [(r.work_day, r.minutes) for r in worked] == [(to_london(shift.starts_at).date(), 180)]
