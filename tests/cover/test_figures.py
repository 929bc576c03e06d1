"""Cover figures per month, co-op wide, with small counts suppressed; and the wave rule."""

from __future__ import annotations

from datetime import time, timedelta

from hypothesis import given
from hypothesis import strategies as st

from coop.businesses import service as businesses
from coop.cover import service as cover
from coop.cover.models import CoverCase
from coop.cover.rules import WaveSettings, wave_plan
from coop.timeutil import london_to_utc, today_london
from tests import factories


def _case(session, shift, opened, minutes, status, told_after=None):
    session.add(
        CoverCase(
            shift_id=shift.id,
            status=status,
            opened_at=opened,
            closed_at=opened + timedelta(minutes=minutes) if status != "open" else None,
            client_told_at=opened + timedelta(minutes=told_after) if told_after is not None else None,
        )
    )


def test_monthly_figures_count_each_outcome_and_suppress_small_numbers(make_web, session):
    shift = factories.shift(session)
    this_month = today_london().replace(day=1)
    opened = london_to_utc(this_month, time(9, 0))
    for minutes in (10, 20, 30, 40, 50):
        _case(session, shift, opened, minutes, "covered")
    _case(session, shift, opened, 300, "covered", told_after=60)  # covered after the client was told
    _case(session, shift, opened, 300, "uncovered", told_after=60)
    _case(session, shift, opened - timedelta(days=40), 30, "covered")
    session.commit()
    months = cover.monthly(session, last=today_london(), months=3)
    now = months[-1]
    assert (now.dropped, now.in_time, now.late, now.uncovered) == (7, 5, 1, 1)
    assert now.median_minutes() == 35  # of 10, 20, 30, 40, 50 and 300
    earlier = [m for m in months[:-1] if m.dropped]
    assert len(earlier) == 1 and earlier[0].median_minutes() is None  # one case: no median shown
    assert cover.shown(1) == "fewer than 5" and cover.shown(0) == "0" and cover.shown(7) == "7"
    assert now.chart_value(1) == 0 and now.chart_value(7) == 7
    coord = make_web()
    factories.coordinator(session, "coord@example.org")
    coord.login("coord@example.org")
    home = coord.get("/home").get_data(as_text=True)
    assert "Cover by month" in home and "fewer than 5" in home
    assert '<td class="num">7</td>' in home
    first = (this_month - timedelta(days=60)).isoformat()
    report = coord.get(f"/impact?first={first}&last={today_london().isoformat()}").get_data(as_text=True)
    assert "Cover when someone can" in report and '<td class="num">7</td>' in report


SETTINGS = st.builds(
    WaveSettings,
    notice=st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=14)),
    size_most=st.integers(1, 100),
    size_least=st.integers(1, 100),
    answer_most=st.timedeltas(min_value=timedelta(minutes=5), max_value=timedelta(days=1)),
    answer_least=st.timedeltas(min_value=timedelta(minutes=5), max_value=timedelta(days=1)),
)
LEFT = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=20))


@given(SETTINGS, LEFT, LEFT)
def test_waves_and_answer_times_never_grow_as_the_start_nears(s, a, b):
    nearer, further = sorted((a, b))
    size_near, wait_near = wave_plan(nearer, s)
    size_far, wait_far = wave_plan(further, s)
    assert size_near <= size_far
    assert min(s.size_least, s.size_most) <= size_near <= max(s.size_least, s.size_most)
    assert wait_near <= nearer  # never waits past the start
    assert wait_near <= wait_far


def test_figures_per_business_split_the_cases_and_suppress_small_counts_each(session):
    gardens = factories.business(session, "Green Gardens", "GG-")
    ours = factories.shift(session)
    theirs = factories.shift(session, service_=factories.service(session, business_id=gardens.id))
    opened = london_to_utc(today_london().replace(day=1), time(9, 0))
    for minutes in (10, 20, 30, 40, 50):
        _case(session, ours, opened, minutes, "covered")
    _case(session, ours, opened, 300, "uncovered", told_after=60)
    _case(session, theirs, opened, 90, "covered", told_after=60)
    _case(session, theirs, opened, 300, "uncovered", told_after=60)
    session.commit()
    figs = cover.by_business(session, last=today_london(), months=2)
    coop = figs.coop[-1]
    assert (coop.dropped, coop.in_time, coop.late, coop.uncovered) == (8, 5, 1, 2)
    assert [b.name for b in figs.businesses] == ["Co-op Works", "Green Gardens"]
    first, second = (b.months[-1] for b in figs.businesses)
    assert (first.dropped, first.in_time, first.late, first.uncovered) == (6, 5, 0, 1)
    assert first.median_minutes() == 30
    assert (second.dropped, second.in_time, second.late, second.uncovered) == (2, 0, 1, 1)
    # Each business is held to the same rule: fewer than 5 covered, no median; nothing drawn.
    assert second.median_minutes() is None and second.chart_value(second.dropped) == 0
    assert all(b.months[0].dropped == 0 for b in figs.businesses)
    # Only the businesses asked about, the co-op's figures the same.
    only = cover.by_business(session, last=today_london(), months=2, names=[(gardens.id, "Green Gardens")])
    assert [b.id for b in only.businesses] == [gardens.id] and only.coop[-1].dropped == 8
    assert cover.monthly(session, last=today_london(), months=2)[-1].dropped == 8


def test_the_home_and_impact_report_show_cover_per_business_a_lead_first_their_own(make_web, session):
    gardens = factories.business(session, "Green Gardens", "GG-")
    theirs = factories.shift(session, service_=factories.service(session, business_id=gardens.id))
    opened = london_to_utc(today_london().replace(day=1), time(9, 0))
    for minutes in (10, 20, 30, 40, 50, 60):
        _case(session, theirs, opened, minutes, "covered")
    session.commit()
    coord = make_web()
    factories.coordinator(session, "coord@example.org")
    coord.login("coord@example.org")
    home = coord.get("/home").get_data(as_text=True)
    assert "Places let go close to the start at Green Gardens" in home
    assert "Places let go close to the start at Co-op Works" in home
    assert (
        '<td class="num">6</td>' in home
        and "fewer than 5" not in home.split("Cover by month")[1].split("</table>")[0]
    )
    first = (today_london().replace(day=1) - timedelta(days=60)).isoformat()
    report = coord.get(f"/impact?first={first}&last={today_london().isoformat()}").get_data(as_text=True)
    assert "Places let go close to the start at Green Gardens" in report
    assert "Places let go close to the start at Co-op Works" in report
    # A lead of Green Gardens starts with theirs; all businesses are one link away.
    lead = factories.coordinator(session, "lead@example.org")
    businesses.set_leads(session, gardens.id, [lead.id], actor_id=lead.id)
    web = make_web()
    web.login("lead@example.org")
    mine = web.get("/home").get_data(as_text=True)
    assert "at Green Gardens" in mine and "at Co-op Works" not in mine
    every = web.get("/home?business=all").get_data(as_text=True)
    assert "at Green Gardens" in every and "at Co-op Works" in every


def test_with_one_business_the_home_shows_the_co_op_alone(web, session):
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    home = web.get("/home").get_data(as_text=True)
    assert "Cover by month" in home and "Places let go close to the start at" not in home
