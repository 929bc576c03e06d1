"""An assignment carries its shift's start (for reading a member's places in a range from an index
on the member), and the database keeps the copy true: a foreign key that follows the shift on
PostgreSQL, triggers on SQLite (migration 0043). A new way of making or moving places that forgot
the copy would be refused, not saved wrong."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from coop.bookings import service as bookings
from coop.bookings.models import Shift
from coop.rota import service as rota
from coop.rota.models import Assignment
from coop.timeutil import to_london
from tests import factories
from tests.factories import fresh


def _held(session):
    skill = factories.skill(session)
    shift = factories.shift(session, service_=factories.service(session, skill), slots=2)
    ann, bob = (
        factories.member(session, "Ann", skills=[skill]),
        factories.member(session, "Bob", skills=[skill]),
    )
    return shift, rota.claim(session, ann.id, shift.id), rota.claim(session, bob.id, shift.id)


def _starts(session, shift_id):
    fresh(session)
    return set(session.scalars(select(Assignment.shift_starts_at).where(Assignment.shift_id == shift_id)))


def test_a_claimed_place_carries_its_shift_start(session):
    shift, _a, _b = _held(session)
    assert _starts(session, shift.id) == {shift.starts_at}


def test_moving_a_shift_moves_its_places_start(session):
    shift, _a, _b = _held(session)
    before = shift.starts_at
    start = to_london(shift.starts_at + timedelta(hours=2))
    end = to_london(shift.ends_at + timedelta(hours=2))
    change = bookings.ShiftChange(start.date(), start.time(), end.time(), shift.site_address, "", 2)
    bookings.edit_shifts(session, shift, change, scope="one", actor_id=1, ask_members=True)
    after = _starts(session, shift.id)
    assert session.get(Shift, shift.id).starts_at == before + timedelta(hours=2)
    assert after == {before + timedelta(hours=2)}


@pytest.mark.parametrize("wrong", [timedelta(minutes=1), timedelta(days=-7)])
def test_a_place_with_another_start_is_refused(session, wrong):
    shift, a, _b = _held(session)
    session.add(
        Assignment(
            shift_id=shift.id,
            shift_starts_at=shift.starts_at + wrong,
            member_id=a.member_id,
            status="dropped",
        )
    )
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    with pytest.raises(IntegrityError):
        session.execute(
            update(Assignment).where(Assignment.id == a.id).values(shift_starts_at=shift.starts_at + wrong)
        )
    session.rollback()


def test_a_place_without_a_start_is_refused(session):
    shift, a, _b = _held(session)
    session.add(Assignment(shift_id=shift.id, member_id=a.member_id, status="dropped"))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
