"""Lists that offer shifts come from the claim's own rule, so nothing offered is refused later
(issue 34, problem 5): the two-way swap picker (both ways), the week grid's cells, the open
shifts page, a coordinator's fill list, auto-fill and the offers it sends; and a session a
member teaches is a clash."""

from __future__ import annotations

import itertools
from datetime import time, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from coop.errors import DomainError
from coop.limits import service as limits
from coop.mail.models import OutboxMessage
from coop.rota import grid, offers
from coop.rota import service as rota
from coop.rota.autofill import Proposal
from coop.rota.models import Assignment, Availability, Offer, SwapOffer, TimeOff
from coop.skillshare import service as skillshare
from coop.timeutil import london_to_utc, utcnow
from tests import factories
from tests.factories import fresh, next_monday, shown


def at(day: int, hour: int) -> timedelta:
    """From now to a London hour on a day of next week (0 = Monday)."""
    return london_to_utc(next_monday() + timedelta(days=day), time(hour)) - utcnow()


def test_the_swap_picker_leaves_out_a_shift_whose_member_could_not_take_yours(web, make_web, session):
    cleaning, gardening = factories.skill(session, "Cleaning"), factories.skill(session, "Gardening")
    garden_work = factories.service(session, gardening, name="Garden work")
    office = factories.service(session, cleaning, name="Office cleaning")
    mine = factories.shift(session, service_=garden_work, starts_in=timedelta(days=3))
    theirs = factories.shift(session, service_=office, starts_in=timedelta(days=5))
    ann = factories.member(session, name="Ann", email="ann@example.org", skills=[cleaning, gardening])
    bea = factories.member(session, name="Bea", email="bea@example.org", skills=[cleaning])
    a = rota.claim(session, ann.id, mine.id)
    b = rota.claim(session, bea.id, theirs.id)
    web.login("ann@example.org")
    page = web.get(f"/assignments/{a.id}/exchange").get_data(as_text=True)
    # Ann could do Bea's cleaning, but Bea lacks the gardening Ann would give her: not offered.
    assert "(Bea)" not in page and "no other member's shift you could take" in page
    page = web.post(
        f"/assignments/{a.id}/exchange", {"wanted_assignment_id": str(b.id)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "cannot be swapped" in page
    fresh(session)
    assert session.scalars(select(SwapOffer)).all() == []
    assert (
        session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "bea@example.org")).all()
        == []
    )
    # Once Bea has the skill, the swap is offered, and her yes goes through.
    bea.skills.append(gardening)
    session.commit()
    assert "(Bea)" in web.get(f"/assignments/{a.id}/exchange").get_data(as_text=True)
    web.post(f"/assignments/{a.id}/exchange", {"wanted_assignment_id": str(b.id)})
    fresh(session)
    offer = session.scalars(select(SwapOffer)).one()
    bea_web = make_web()
    bea_web.login("bea@example.org")
    bea_web.post(f"/swaps/{offer.id}/answer", {"answer": "yes"})
    fresh(session)
    assert session.get(SwapOffer, offer.id).status == "taken"


def test_a_grid_cells_offer_page_offers_only_shifts_the_member_is_available_for(web, session):
    skill = factories.skill(session, "Cleaning")
    svc = factories.service(session, skill, name="Office cleaning")
    wednesday = factories.shift(session, service_=svc, starts_in=at(2, 14), hours=2)
    ann = factories.member(session, name="Ann Able", skills=[skill])
    bob = factories.member(session, name="Bob Baker", skills=[skill])
    session.add(Availability(member_id=ann.id, weekday=2, start_time=time(8), end_time=time(12)))
    session.commit()
    assert (
        grid.offer_choices(session, ann.id, next_monday() + timedelta(days=2)).places == []
    )  # mornings only
    assert [p.id for p in grid.offer_choices(session, bob.id, next_monday() + timedelta(days=2)).places] == [
        wednesday.id
    ]
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    # Through HTTP: each cell's page offers only what the claim's rule allows.
    ann_page = shown(
        web.get(f"/rota/grid/offer/{ann.id}?week={next_monday().isoformat()}&day=2").get_data(as_text=True)
    )
    assert "Nothing that day they could take." in ann_page and f'value="{wednesday.id}"' not in ann_page
    bob_page = web.get(f"/rota/grid/offer/{bob.id}?week={next_monday().isoformat()}&day=2").get_data(
        as_text=True
    )
    assert f'name="shift_id" value="{wednesday.id}"' in bob_page and "Office cleaning" in bob_page
    # Asking anyway is refused by the same rule, and nothing is offered.
    page = web.post(
        "/rota/grid/offer", {"member_id": str(ann.id), "shift_id": str(wednesday.id)}, follow_redirects=True
    ).get_data(as_text=True)
    assert "not available at that time" in page
    fresh(session)
    assert session.scalars(select(Offer)).all() == []


def test_a_member_cannot_take_a_shift_while_teaching_a_session(web, session):
    skill = factories.skill(session, "Cleaning")
    svc = factories.service(session, skill, name="Office cleaning")
    shift = factories.shift(session, service_=svc, starts_in=at(3, 10), hours=3)
    later = factories.shift(session, service_=svc, starts_in=at(3, 15), hours=2)
    ann = factories.member(session, name="Ann", email="ann@example.org", skills=[skill])
    starts = shift.starts_at + timedelta(hours=1)
    skillshare.offer_session(
        session,
        ann,
        skillshare.SessionData(skill.id, "Tidy kitchens", "", "Hall", starts, starts + timedelta(hours=1), 6),
    )
    web.login("ann@example.org")
    page = web.get("/shifts/open").get_data(as_text=True)
    assert f"/shifts/{shift.id}/claim" not in page and f"/shifts/{later.id}/claim" in page
    page = web.post(f"/shifts/{shift.id}/claim", follow_redirects=True).get_data(as_text=True)
    assert "teaching a skill-sharing session then" in page
    fresh(session)
    assert session.scalars(select(Assignment).where(Assignment.shift_id == shift.id)).all() == []
    web.post(f"/shifts/{later.id}/claim")
    fresh(session)
    assert (
        session.scalars(select(Assignment).where(Assignment.shift_id == later.id)).one().member_id == ann.id
    )


def test_sent_offers_leave_out_what_the_member_can_no_longer_take(session):
    skill = factories.skill(session)
    svc = factories.service(session, skill)
    shift = factories.shift(session, service_=svc, starts_in=at(4, 9))
    ann = factories.member(session, skills=[skill])
    bob = factories.member(session, skills=[skill])
    session.add(
        TimeOff(member_id=ann.id, first_day=next_monday(), last_day=next_monday() + timedelta(days=6))
    )
    session.commit()
    made = offers.queue_offers(session, [Proposal(shift.id, ann.id), Proposal(shift.id, bob.id)])
    assert made == 1
    assert [o.member_id for o in session.scalars(select(Offer))] == [bob.id]


# --- the property: every list offers only what the claim rule allows ---------------------------

_runs = itertools.count()
SHIFT = st.tuples(st.integers(0, 6), st.integers(6, 20), st.integers(1, 4), st.integers(0, 1))
MEMBER = st.fixed_dictionaries(
    {
        "skills": st.sets(st.integers(0, 1), max_size=2),
        "window": st.none() | st.tuples(st.integers(0, 6), st.integers(6, 14), st.integers(2, 10)),
        "off": st.none() | st.integers(0, 6),
        "teaches": st.none() | st.tuples(st.integers(0, 6), st.integers(6, 20)),
        "holds": st.none() | st.integers(0, 5),
        "paused": st.booleans(),
    }
)


def _claim_problems(session, member, shift, exclude=None):
    return rota.shift_problems(session, member, shift, now=utcnow(), exclude_assignment=exclude)


@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
@given(layout=st.lists(SHIFT, min_size=2, max_size=6), people=st.lists(MEMBER, min_size=2, max_size=4))
def test_every_candidate_list_offers_only_what_the_claim_rule_allows(session, layout, people):
    """Over generated co-ops: each (member, shift) that a list offers passes the claim's check,
    and the grid offers every place the claim would allow (up to its thirty a cell). A new list
    built another way fails here."""
    session.rollback()
    n = next(_runs)
    skills = [factories.skill(session, f"Gen {n} {i}") for i in range(2)]
    services = [factories.service(session, sk) for sk in skills]
    shifts = [
        factories.shift(session, service_=services[k], starts_in=at(day, hour), hours=h, slots=2)
        for day, hour, h, k in layout
    ]
    members = []
    for i, p in enumerate(people):
        m = factories.member(session, name=f"Gen {n}-{i}", skills=[skills[k] for k in sorted(p["skills"])])
        if p["window"]:
            day, start, length = p["window"]
            session.add(
                Availability(
                    member_id=m.id,
                    weekday=day,
                    start_time=time(start),
                    end_time=time(min(start + length, 23)),
                )
            )
        if p["off"] is not None:
            off = next_monday() + timedelta(days=p["off"])
            session.add(TimeOff(member_id=m.id, first_day=off, last_day=off))
        session.commit()
        if p["teaches"] and m.skills:
            day, hour = p["teaches"]
            starts = utcnow() + at(day, hour)
            skillshare.offer_session(
                session,
                m,
                skillshare.SessionData(
                    m.skills[0].id, "Teach", "", "Hall", starts, starts + timedelta(hours=2), 3
                ),
            )
        if p["holds"] is not None and p["holds"] < len(shifts):
            try:
                rota.claim(session, m.id, shifts[p["holds"]].id)
            except DomainError:
                session.rollback()
        if p["paused"]:
            m.status = "paused"
            session.commit()
        members.append(m)
    fresh(session)
    members = [session.merge(m) for m in members]
    by_id = {m.id: m for m in members}
    shift_by_id = {s.id: session.merge(s) for s in shifts}

    # The week grid: each cell's page passes the claim's check, and holds every place it allows;
    # the grid links to it on every day that has such a place.
    for row in grid.week_grid(session, next_monday(), grid.GridFilter(search=f"Gen {n}-")).rows:
        offered = set()
        for day in range(7):
            places = grid.offer_choices(session, row.member.id, next_monday() + timedelta(days=day)).places
            assert not places or day in row.may_offer, ("grid hides a cell", row.member.id, day)
            offered |= {p.id for p in places}
        for sid in offered:
            assert _claim_problems(session, row.member, shift_by_id[sid]) == [], ("grid", row.member.id, sid)
        for sid, s in shift_by_id.items():
            if s.filled < s.slots and not _claim_problems(session, row.member, s):
                assert sid in offered, ("grid leaves out", row.member.id, sid)
    for m in members:
        # Open shifts (these members have no limit, so the rota's rules decide alone).
        for card in rota.open_shifts_for(session, m):
            if card.shift.id in shift_by_id:
                assert _claim_problems(session, m, card.shift) == [], ("open shifts", m.id, card.shift.id)
        # The swap picker, both ways.
        for a in session.scalars(select(Assignment).where(Assignment.member_id == m.id, Assignment.held())):
            for other in rota.exchange_candidates(session, m, a):
                assert _claim_problems(session, m, other.shift, a.id) == [], ("swap", m.id, other.id)
                back = by_id.get(other.member_id) or other.member
                assert _claim_problems(session, back, a.shift, other.id) == [], ("swap back", m.id, other.id)
    # A coordinator's fill list: those shown as able pass the claim's check, the others do not.
    for s in shift_by_id.values():
        for c in rota.candidates_for(session, s):
            if c.member.id in by_id:
                assert (not c.problems) == (not _claim_problems(session, c.member, s)), (
                    "fill",
                    c.member.id,
                    s.id,
                )
    # Auto-fill, and the offers it sends.
    plan = offers.plan(session, next_monday(), next_monday() + timedelta(days=6))
    mine = [p for p in plan.result.proposals if p.member_id in by_id and p.shift_id in shift_by_id]
    for p in mine:
        assert _claim_problems(session, by_id[p.member_id], shift_by_id[p.shift_id]) == [], ("auto-fill", p)
    offers.queue_offers(session, mine)
    for o in session.scalars(select(Offer).where(Offer.member_id.in_(list(by_id)))):
        assert _claim_problems(session, by_id[o.member_id], shift_by_id[o.shift_id]) == [], ("offer", o.id)


def _hours_limit(session, member, hours):
    limits.set_limit(
        session,
        member,
        limits.LimitData(earnings_limit_pence=None, hours_limit_minutes=hours * 60),
        actor_id=member.user_id,
        by_coordinator=False,
    )


def test_a_grid_cells_offer_page_leaves_out_a_shift_over_the_members_own_limit(web, session):
    """The claim's last check is the member's own limit: a cell never offers what it refuses."""
    skill = factories.skill(session, "Cleaning")
    svc = factories.service(session, skill, name="Office cleaning")
    tuesday = factories.shift(session, service_=svc, starts_in=at(1, 9), hours=2)
    wednesday = factories.shift(session, service_=svc, starts_in=at(2, 9), hours=2)
    ann = factories.member(session, name="Ann Able", skills=[skill])
    bob = factories.member(session, name="Bob Baker", skills=[skill])
    _hours_limit(session, ann, 3)
    rota.claim(session, ann.id, tuesday.id)
    wednesday_date = next_monday() + timedelta(days=2)
    assert grid.offer_choices(session, ann.id, wednesday_date).places == []  # 2 h held + 2 h > 3 h a week
    assert [p.id for p in grid.offer_choices(session, bob.id, wednesday_date).places] == [wednesday.id]
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    ann_page = shown(
        web.get(f"/rota/grid/offer/{ann.id}?week={next_monday().isoformat()}&day=2").get_data(as_text=True)
    )
    assert "Nothing that day they could take." in ann_page and f'value="{wednesday.id}"' not in ann_page
    assert "3 h" not in ann_page  # the coordinator never sees her figures
    bob_page = web.get(f"/rota/grid/offer/{bob.id}?week={next_monday().isoformat()}&day=2").get_data(
        as_text=True
    )
    assert f'name="shift_id" value="{wednesday.id}"' in bob_page


def test_the_swap_picker_judges_both_limits_as_the_swap_would(session):
    skill = factories.skill(session, "Cleaning")
    svc = factories.service(session, skill, name="Office cleaning")
    short = factories.shift(session, service_=svc, starts_in=at(0, 9), hours=2)
    long = factories.shift(session, service_=svc, starts_in=at(1, 9), hours=5)
    also_long = factories.shift(session, service_=svc, starts_in=at(3, 9), hours=5)
    ann = factories.member(session, name="Ann Able", skills=[skill])
    bea = factories.member(session, name="Bea Baker", skills=[skill])
    cal = factories.member(session, name="Cal Cole", skills=[skill])
    mine = rota.claim(session, ann.id, short.id)
    rota.claim(session, bea.id, long.id)
    rota.claim(session, cal.id, also_long.id)

    def picks():
        fresh(session)
        found = rota.exchange_candidates(session, session.merge(ann), session.merge(mine))
        return {a.member_id for a in found}

    _hours_limit(session, ann, 4)  # 2 h now; giving it up for 5 h would pass 4 h
    assert picks() == set()
    _hours_limit(session, ann, 5)  # exactly 5 h after the swap: it fits, as the swap's claim judges
    assert picks() == {bea.id, cal.id}
    # The one asked is judged too: Cal, with 5 h held and a 5 h limit, can give up his 5 h for
    # Ann's 2 h (it lowers his week); Bea with a 1 h limit could not take Ann's 2 h at all.
    _hours_limit(session, cal, 5)
    _hours_limit(session, bea, 1)
    assert picks() == {cal.id}
