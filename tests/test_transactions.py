"""The transaction rule is a mechanism: a write opens its own transaction, and refuses to start
where it would commit, or lose, work that is not its own."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, text

from coop.db import TransactionMisuse, end_reads, plan_once, write_transaction
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


def _names(session) -> set[str]:
    return set(session.scalars(select(Skill.name)))


def test_a_request_that_only_read_is_committed_and_one_that_changed_something_is_not(session):
    """db.end_reads, which ends every request: COMMIT for a read (so PostgreSQL's prepared
    statements are kept), ROLLBACK for anything changed in the request and never committed."""
    members.save_skill(session, "Kept", "")
    skill = session.scalar(select(Skill).where(Skill.name == "Kept"))
    skill.name = "Renamed on a page that only meant to read"  # dirty, not flushed
    end_reads(session)
    assert not session.in_transaction()
    assert _names(session) >= {"Kept"} and "Renamed on a page that only meant to read" not in _names(session)
    end_reads(session)
    session.add(Skill(name="Flushed on a read"))
    session.flush()
    end_reads(session)
    assert "Flushed on a read" not in _names(session)
    end_reads(session)
    assert not session.in_transaction()


def test_a_read_keeps_the_prepared_statements_on_postgresql(session):
    """psycopg forgets a connection's prepared statements at every ROLLBACK; a request that only
    read ends with COMMIT, so they last from request to request. (SQLite's driver keeps its own
    statement cache, which a rollback does not clear.)"""
    count = select(func.count()).select_from(Skill).where(Skill.name != "x")
    for _ in range(3):
        for _ in range(6):  # psycopg prepares a statement the sixth time it runs
            session.scalar(count)
        end_reads(session)
        assert not session.in_transaction()
    if session.get_bind().dialect.name == "postgresql":
        prepared = session.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
        assert prepared and prepared >= 1


def test_plans_made_once_last_for_the_read_only_and_never_in_a_write(session):
    """`plan_once` asks PostgreSQL to plan the read's prepared statements once for any values,
    for the rest of that read only: the next request plans as before. A write's statements are
    planned for their values as always."""
    postgres = session.get_bind().dialect.name == "postgresql"

    def mode() -> str:
        return session.scalar(text("SHOW plan_cache_mode")) if postgres else "auto"

    end_reads(session)
    plan_once(session)
    assert mode() == ("force_generic_plan" if postgres else "auto")
    assert session.scalar(select(func.count()).select_from(Skill)) is not None  # reads go on
    end_reads(session)
    assert mode() == "auto"
    with write_transaction(session):
        plan_once(session)
        assert mode() == "auto"
