"""My shifts reads its places and its swap offers in two statements: the same as the reads one by
one (held places, places asked about, two-way swaps offered to the member, others' offers they
could take, their own open offers)."""

from datetime import timedelta

from coop.rota import mine
from coop.rota import service as rota
from coop.timeutil import utcnow
from tests import factories


def test_my_page_reads_match_the_reads_one_by_one(session):
    skill = factories.skill(session, "Gardening")
    svc = factories.service(session, skill, name="Gardening")
    me = factories.member(session, skills=[skill])
    ann = factories.member(session, skills=[skill])
    shifts = [factories.shift(session, service_=svc, starts_in=timedelta(days=d)) for d in (2, 3, 4, 5, 6, 7)]
    offered_by_ann = rota.offer_swap(session, ann.id, rota.claim(session, ann.id, shifts[0].id).id)
    anns = rota.claim(session, ann.id, shifts[1].id)
    mine_to_swap = rota.claim(session, me.id, shifts[2].id)
    exchange = rota.propose_exchange(session, ann.id, anns.id, mine_to_swap.id)
    my_offer = rota.offer_swap(session, me.id, rota.claim(session, me.id, shifts[3].id).id)
    asked = rota.ask(session, me.id, shifts[4].id)
    held = rota.claim(session, me.id, shifts[5].id)
    now = utcnow()

    places, asking = mine.my_places(session, me, now=now)
    swaps = mine.my_swaps(session, me, now=now)

    assert [a.id for a in places] == [a.id for a in rota.my_shifts(session, me, now=now)]
    assert [a.id for a in places] == [mine_to_swap.id, my_offer.assignment_id, held.id]
    assert [a.id for a in asking] == [a.id for a in rota.asked_of(session, me, now=now)] == [asked.id]
    assert [o.id for o in swaps.exchanges] == [o.id for o in rota.exchanges_for(session, me, now=now)]
    assert [o.id for o in swaps.exchanges] == [exchange.id]
    assert [o.id for o in swaps.others] == [o.id for o in rota.open_swaps_for(session, me, now=now)]
    assert [o.id for o in swaps.others] == [offered_by_ann.id]
    assert {k: o.id for k, o in swaps.mine.items()} == {
        k: o.id for k, o in rota.my_open_swap_offers(session, me).items()
    }
    assert swaps.mine == {my_offer.assignment_id: my_offer}
    # Ann sees her own two offers as hers, and the member's offer as one she could take.
    theirs = mine.my_swaps(session, ann, now=now)
    assert set(theirs.mine) == {offered_by_ann.assignment_id, anns.id} and theirs.exchanges == []
    assert [o.id for o in theirs.others] == [my_offer.id]
    assert [o.id for o in theirs.others] == [o.id for o in rota.open_swaps_for(session, ann, now=now)]
