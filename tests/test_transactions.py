"""The transaction rule is a mechanism: a write opens its own transaction, and refuses to start
where it would commit, or lose, work that is not its own."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from coop.db import TransactionMisuse, write_transaction
from coop.members import service as members
from coop.members.models import Skill


def _skills(session) -> int:
    session.rollback()
    return session.scalar(select(func.count()).select_from(Skill)) or 0


def test_a_write_refuses_to_commit_what_the_caller_left_open(session):
    before = _skills(session)
    session.add(Skill(name="Left open by the caller"))  # a probe's row, never meant to be saved
    with pytest.raises(TransactionMisuse, match="uncommitted changes"):
        members.save_skill(session, "Through the service", "")  # a service write opening its own
    assert _skills(session) == before  # neither row was committed


def test_a_flushed_but_uncommitted_row_is_refused_too(session):
    before = _skills(session)
    session.add(Skill(name="Flushed"))
    session.flush()
    with pytest.raises(TransactionMisuse), write_transaction(session):
        pass
    assert _skills(session) == before


def test_a_write_inside_another_is_refused_naming_the_caller(session):
    def inner():
        with write_transaction(session):
            pass

    refused = pytest.raises(TransactionMisuse, match=r"inner \(test_transactions.py:\d+\).*inside another")
    with refused, write_transaction(session):
        inner()


def test_an_open_read_is_ended_and_the_write_commits(session):
    before = _skills(session)
    session.scalar(select(func.count()).select_from(Skill))  # a read the request had open
    assert session.in_transaction()
    with write_transaction(session):
        session.add(Skill(name="Saved"))
    assert _skills(session) == before + 1
