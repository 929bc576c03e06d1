"""db.union_part: the parts of a UNION ALL that returns rows of several kinds share one shape, each
part filling its own columns by name and the rest null of their type; and db.two_lists, two lists
of the same columns from one statement."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Integer, String, literal, select, union_all

from coop.db import UTCDateTime, union_part

SHAPE = (("kind", Integer), ("name", String), ("at", UTCDateTime), ("count", Integer))
AT = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)


def test_each_part_fills_its_columns_and_the_rest_are_null(session):
    rows = session.execute(
        union_all(
            select(*union_part(SHAPE, kind=literal(1), name=literal("Ann"), at=literal(AT, UTCDateTime))),
            select(*union_part(SHAPE, kind=literal(2), count=literal(7))),
        )
    ).all()
    by_kind = {r.kind: r for r in rows}
    assert (by_kind[1].name, by_kind[1].at, by_kind[1].count) == ("Ann", AT, None)
    assert (by_kind[2].name, by_kind[2].at, by_kind[2].count) == (None, None, 7)


def test_a_column_not_in_the_shape_is_refused():
    with pytest.raises(ValueError, match="counted"):
        union_part(SHAPE, kind=literal(1), counted=literal(3))


def test_two_lists_come_back_from_one_statement_each_whole(session):
    from coop.db import two_lists
    from coop.members.models import Skill
    from tests import factories

    for name in ("Baking", "Gardening"):
        factories.skill(session, name)
    session.commit()
    first, second = two_lists(
        session,
        select(Skill.id, Skill.name).where(Skill.name == "Baking"),
        select(Skill.id, Skill.name).where(Skill.name != "Baking"),
    )
    assert [r.name for r in first] == ["Baking"]
    assert "Baking" not in [r.name for r in second] and "Gardening" in [r.name for r in second]
    none, every = two_lists(
        session, select(Skill.id, Skill.name).where(Skill.id < 0), select(Skill.id, Skill.name)
    )
    assert none == [] and len(every) == len(first) + len(second)
