"""The coordinator's week grid: members down the side, days across, unfilled first, totals, an
offer from a cell; the same number of queries whatever the size of the co-op."""

from __future__ import annotations

from datetime import time, timedelta

from sqlalchemy import event, select

from coop import cache
from coop.rota import grid
from coop.rota import service as rota
from coop.rota.models import Offer
from coop.timeutil import format_minutes, london_to_utc, utcnow
from tests import factories
from tests.factories import next_monday


def at(day_offset: int, hour: int) -> timedelta:
    return london_to_utc(next_monday() + timedelta(days=day_offset), time(hour)) - utcnow()


def test_the_grid_shows_who_works_what_with_totals_and_offers_from_a_cell(web, session):
    skill = factories.skill(session, "Cleaning")
    svc = factories.service(session, skill, name="Office cleaning", pay=1500)
    held = factories.shift(session, service_=svc, starts_in=at(1, 9), hours=3)
    open_ = factories.shift(session, service_=svc, starts_in=at(3, 14), hours=2, slots=2)
    ann = factories.member(session, name="Ann Able", skills=[skill])
    bob = factories.member(session, name="Bob Baker", skills=[skill])
    rota.claim(session, ann.id, held.id)
    g = grid.week_grid(session, next_monday())
    rows = {r.member.display_name: r for r in g.rows}
    assert rows["Ann Able"].minutes == 180 and rows["Bob Baker"].minutes == 0
    [cell] = rows["Ann Able"].days[1]
    assert cell.shift_id == held.id and cell.pay_pence > 4500
    assert [s.id for s in g.unfilled[3]] == [open_.id] and g.day_minutes[1] == 180
    assert [
        r.member.display_name
        for r in grid.week_grid(session, next_monday(), grid.GridFilter(search="bob")).rows
    ] == ["Bob Baker"]
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    page = web.get(f"/rota/grid?week={next_monday().isoformat()}").get_data(as_text=True)
    assert "Ann Able" in page and "Office cleaning" in page and "3 hours" in page
    web.post("/rota/grid/offer", {"member_id": str(bob.id), "shift_id": str(open_.id)})
    session.rollback()
    [offer] = session.scalars(select(Offer)).all()
    assert (offer.member_id, offer.shift_id, offer.status) == (bob.id, open_.id, "offered")
    pdf = web.get(f"/rota/grid.pdf?week={next_monday().isoformat()}")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")


def count_queries(session, fn):
    engine = session.get_bind()
    seen = []
    listener = lambda *a, **k: seen.append(1)  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        fn()
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    return len(seen)


def test_the_grid_takes_the_same_queries_at_ten_times_the_size(session):
    skill = factories.skill(session)
    svc = factories.service(session, skill)

    def grow(n):
        for i in range(n):
            m = factories.member(session, skills=[skill])
            s = factories.shift(session, service_=svc, starts_in=at(i % 7, 8 + i % 10), hours=1)
            rota.claim(session, m.id, s.id)

    grow(3)
    session.expire_all()
    cache.clear()  # the day totals are added up again each time: both counts include them
    small = count_queries(session, lambda: grid.week_grid(session, next_monday()))
    grow(27)
    session.expire_all()
    cache.clear()
    large = count_queries(session, lambda: grid.week_grid(session, next_monday()))
    assert small == large
    # Kept, the day totals are one statement fewer (in a new transaction, as the others were).
    session.rollback()
    assert count_queries(session, lambda: grid.week_grid(session, next_monday())) == large - 1


def test_the_day_totals_are_kept_a_minute_and_a_members_hours_never(session, monkeypatch):
    skill = factories.skill(session)
    svc = factories.service(session, skill)
    first, second = (factories.shift(session, service_=svc, starts_in=at(2, h), hours=2) for h in (9, 14))
    ann = factories.member(session, name="Ann Able", skills=[skill])
    rota.claim(session, ann.id, first.id)
    assert grid.week_grid(session, next_monday()).day_minutes[2] == 120
    rota.claim(session, ann.id, second.id)
    g = grid.week_grid(session, next_monday())
    assert g.rows[0].minutes == 240  # the member's own hours: read now
    assert g.day_minutes[2] == 120  # the co-op's day: as added up a moment ago
    # Only for the same week and filter: another filter adds them up now.
    assert grid.week_grid(session, next_monday(), grid.GridFilter(service_id=svc.id)).day_minutes[2] == 240
    monkeypatch.setattr(grid, "DAY_HOURS_SECONDS", 0)  # the minute has passed
    assert grid.week_grid(session, next_monday()).day_minutes[2] == 240


def test_hours_held_are_exact_minutes_on_both_databases(web, session):
    """Issue 34, problem 6: the day totals were summed from a floating-point day difference on
    SQLite and truncated, a minute short for many shifts (an hour from 06:00 was 59 minutes)."""
    skill = factories.skill(session, "Gardening")
    svc = factories.service(session, skill, name="Gardening", pay=1500)
    lengths = [1, 2.5, 4, 1.25, 3.5, 6, 1.75]
    expected = [0] * 7
    for day, hours in enumerate(lengths):
        s = factories.shift(session, service_=svc, starts_in=at(day, 6), hours=hours)
        worker = factories.member(session, skills=[skill])
        rota.claim(session, worker.id, s.id)
        expected[day] = int(hours * 60)
    assert grid.week_grid(session, next_monday()).day_minutes == expected
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    page = web.get(f"/rota/grid?week={next_monday().isoformat()}").get_data(as_text=True)
    footer = page[page.index("Hours held") :]
    assert format_minutes(sum(expected)) in footer
    assert format_minutes(expected[0]) in footer  # 2 hours, not 1 hour 59 minutes


def test_a_cell_links_to_a_page_that_offers_that_members_places_for_the_day(web, session):
    """Issue 43: the grid links each cell with something to offer to a small page (no JavaScript
    needed) listing the places that member could take that day; offering there returns to the grid."""
    skill, other = factories.skill(session, "Cleaning"), factories.skill(session, "Gardening")
    svc = factories.service(session, skill, name="Office cleaning", pay=1500)
    garden = factories.service(session, other, name="Garden work", pay=1500)
    open_ = factories.shift(session, service_=svc, starts_in=at(3, 14), hours=2)
    not_theirs = factories.shift(session, service_=garden, starts_in=at(3, 9), hours=2)
    bob = factories.member(session, name="Bob Baker", skills=[skill])
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    week = next_monday().isoformat()
    page = web.get(f"/rota/grid?week={week}&q=bob").get_data(as_text=True)
    link = f"/rota/grid/offer/{bob.id}?week={week}&amp;q=bob&amp;day=3"
    assert f'href="{link}"' in page and f'id="offer-{bob.id}-3"' in page
    assert f'id="offer-{bob.id}-2"' not in page  # nothing unfilled that Wednesday
    cell = web.get(link.replace("&amp;", "&"))
    text = cell.get_data(as_text=True)
    assert cell.status_code == 200 and "Offer a shift to Bob Baker on Thursday" in text
    assert f'name="shift_id" value="{open_.id}"' in text
    assert f'value="{not_theirs.id}"' not in text  # a skill he lacks
    assert f'name="next" value="/rota/grid?week={week}&amp;q=bob"' in text
    r = web.post(
        "/rota/grid/offer",
        {"member_id": str(bob.id), "shift_id": str(open_.id), "next": f"/rota/grid?week={week}&q=bob"},
    )
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/rota/grid?week={week}&q=bob")
    session.rollback()
    [offer] = session.scalars(select(Offer)).all()
    assert (offer.member_id, offer.shift_id) == (bob.id, open_.id)
    assert web.get(f"/rota/grid/offer/999999?week={week}&day=3").status_code == 404


def test_a_cells_offer_page_takes_the_same_queries_at_ten_times_the_size(session):
    skill = factories.skill(session)
    svc = factories.service(session, skill)
    member = factories.member(session, skills=[skill])

    def grow(n):
        for i in range(n):
            other = factories.member(session, skills=[skill])
            held = factories.shift(session, service_=svc, starts_in=at(3, 6 + i % 12), hours=1)
            rota.claim(session, other.id, held.id)
            factories.shift(session, service_=svc, starts_in=at(3, 8 + i % 10), hours=1)

    day = next_monday() + timedelta(days=3)
    grow(3)
    session.expire_all()
    small = count_queries(session, lambda: grid.offer_choices(session, member.id, day))
    grow(27)
    session.expire_all()
    large = count_queries(session, lambda: grid.offer_choices(session, member.id, day))
    assert small == large and len(grid.offer_choices(session, member.id, day).places) > 3


def test_a_busy_day_shows_its_first_unfilled_places_and_counts_the_rest(web, session):
    common = factories.service(session, factories.skill(session, "Cleaning"), name="Office cleaning")
    rare_skill = factories.skill(session, "Gardening")
    rare = factories.service(session, rare_skill, name="Gardening")
    places = [
        factories.shift(session, service_=common, starts_in=at(2, 8) + timedelta(minutes=i))
        for i in range(11)
    ]
    last = factories.shift(session, service_=rare, starts_in=at(2, 20))  # the 12th: past those shown
    gardener = factories.member(session, name="Gail Gardener", skills=[rare_skill])
    g = grid.week_grid(session, next_monday(), shown=10)
    assert [p.id for p in g.unfilled[2]] == [p.id for p in places[:10]] and g.unfilled_count == {2: 12}
    # The skills a day needs come from all its places, not only those shown.
    [row] = [r for r in g.rows if r.member.id == gardener.id]
    assert row.may_offer == {2}
    assert [p.id for p in grid.week_grid(session, next_monday(), shown=None).unfilled[2]] == [
        *(p.id for p in places),
        last.id,
    ]
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    page = web.get(f"/rota/grid?week={next_monday()}").get_data(as_text=True)
    day = next_monday() + timedelta(days=2)
    assert "2 more on this day" in page and f"/rota?week={day}&amp;show=open" in page
    assert f"/shifts/{places[9].id}/fill" in page and f"/shifts/{places[10].id}/fill" not in page
    paper = web.get(f"/rota/grid?week={next_monday()}&print=1").get_data(as_text=True)
    assert paper.count("Gardening") >= 1 and "more on this day" not in paper
