"""The coordinator's rota day, a page of its shifts at a time: every shift reachable, in time
order, and the day's gaps a link away."""

from datetime import time, timedelta

import pytest

from coop.rota import service as rota
from coop.timeutil import london_to_utc, to_london, utcnow
from tests import factories


@pytest.fixture
def busy_day(session):
    """Seven shifts on one day (the day after tomorrow, London time), a minute apart; the second
    and the fifth taken."""
    skill = factories.skill(session, "Gardening")
    svc = factories.service(session, skill, name="Gardening")
    day = to_london(utcnow()).date() + timedelta(days=2)
    start = london_to_utc(day, time(9, 0))
    shifts = [
        factories.shift(session, service_=svc, starts_in=start - utcnow() + timedelta(minutes=i))
        for i in range(7)
    ]
    for name, s in (("Taken Person", shifts[1]), ("Other Person", shifts[4])):
        rota.claim(session, factories.member(session, name=name, skills=[skill]).id, s.id)
    return day, shifts


def test_a_day_comes_a_page_at_a_time_and_every_shift_is_reachable(session, busy_day):
    day, shifts = busy_day
    pages = [rota.rota_day(session, day, page=n, per_page=3) for n in (1, 2, 3)]
    assert [[s.id for s in p.shifts] for p in pages] == [
        [s.id for s in shifts[0:3]],
        [s.id for s in shifts[3:6]],
        [shifts[6].id],
    ]
    assert [(p.total, p.pages, p.more, p.first) for p in pages] == [
        (7, 3, True, 1),
        (7, 3, True, 4),
        (7, 3, False, 7),
    ]
    # Who holds a shift is read for the page's shifts: shown on the page that lists them.
    assert pages[0].who(shifts[1].id) == "Taken Person" and pages[1].who(shifts[4].id) == "Other Person"
    whole = rota.rota_day(session, day, per_page=None)
    assert [s.id for s in whole.shifts] == [s.id for s in shifts] and whole.pages == 1


def test_only_the_shifts_with_a_free_place(session, busy_day):
    day, shifts = busy_day
    gaps = rota.rota_day(session, day, open_only=True, per_page=3)
    assert [s.id for s in gaps.shifts] == [shifts[i].id for i in (0, 2, 3)]
    assert (gaps.total, gaps.gaps, gaps.pages) == (5, 5, 2)
    second = rota.rota_day(session, day, open_only=True, page=2, per_page=3)
    assert [s.id for s in second.shifts] == [shifts[i].id for i in (5, 6)]
    assert dict((d, n) for d, n, _open in gaps.days)[day] == 7


def test_the_rota_page_links_the_next_page_and_the_gaps(web, session, busy_day, monkeypatch):
    day, shifts = busy_day
    monkeypatch.setattr(rota, "DAY_PAGE", 3)
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    first = web.get(f"/rota?week={day}").get_data(as_text=True)
    assert "Shifts 1 to 3 of 7" in first and "Page 1 of 3" in first
    assert f"/rota?week={day}&amp;page=2" in first and "Earlier shifts" not in first
    assert f"/shifts/{shifts[0].id}/fill" in first and f"/shifts/{shifts[3].id}/fill" not in first
    assert "Only shifts with a free place (5)" in first and "All shifts (7)" in first
    last = web.get(f"/rota?week={day}&page=3").get_data(as_text=True)
    assert f"/shifts/{shifts[6].id}/fill" in last and "Later shifts" not in last and "Earlier shifts" in last
    gaps = web.get(f"/rota?week={day}&show=open").get_data(as_text=True)
    assert f"/shifts/{shifts[3].id}/fill" in gaps and "Taken Person" not in gaps
    assert f"/rota?week={day}&amp;show=open&amp;page=2" in gaps
    paper = web.get(f"/rota?week={day}&print=1").get_data(as_text=True)
    assert paper.count("Gardening") >= 7  # paper takes the whole day
