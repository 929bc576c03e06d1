"""The data map: every table that reaches a person is declared, and the checker notices one that
is not (shown on scratch models in their own registry, so the app's schema is untouched)."""

from pathlib import Path

from sqlalchemy import ForeignKey, MetaData, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from coop.datamap import DELETE, Personal, declaration, declare, keep, record_of_processing, undeclared
from coop.schema import Base


def test_every_table_and_column_that_reaches_a_person_is_declared():
    assert undeclared(Base.metadata) == []


def _scratch() -> tuple[type, type]:
    class Scratch(DeclarativeBase):
        metadata = MetaData()

    class Member(Scratch):
        __tablename__ = "member"
        id: Mapped[int] = mapped_column(primary_key=True)

    class Diary(Scratch):  # a new feature's table, with nothing declared
        __tablename__ = "diary"
        id: Mapped[int] = mapped_column(primary_key=True)
        member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
        entry: Mapped[str] = mapped_column(Text)

    class Contact(Scratch):  # no foreign key, but it holds who someone is
        __tablename__ = "contact"
        id: Mapped[int] = mapped_column(primary_key=True)
        email: Mapped[str] = mapped_column(String(200))

    return Scratch, Diary


def test_the_checker_fails_on_an_undeclared_table_and_an_undeclared_column():
    scratch, diary = _scratch()
    assert undeclared(scratch.metadata) == ["contact", "member", "diary"]

    # declared, but its free-text column has no rule: still reported, by column
    declare(
        diary,
        Personal(what="Diary", why="test", kept="test", owner="member_id", columns={"member_id": DELETE}),
    )
    assert "diary.entry" in undeclared(scratch.metadata)
    declare(
        diary,
        Personal(
            what="Diary",
            why="test",
            kept="test",
            owner="member_id",
            columns={"member_id": DELETE, "entry": keep("test"), "mood": DELETE},
        ),
    )
    problems = undeclared(scratch.metadata)
    assert "diary.entry" not in problems and "diary" not in problems
    assert "diary.mood (declared, but no such column)" in problems


def test_the_new_tables_of_the_last_features_are_declared_with_a_download_section():
    sections = {}
    for table in Base.metadata.sorted_tables:
        d = declaration(table)
        if d is not None and d.export:
            sections[table.name] = d.export_as
    for table, section in {
        "work_record": "work_records",
        "reference_statement": "references",
        "opportunity_interest": "opportunity_interest",
        "help_message": "help_messages",
        "skill_session": "sessions_taught",
        "swap_offer": "swap_offers",
        "surplus_share": "surplus_shares",
    }.items():
        assert sections[table] == section


def test_the_record_of_processing_in_the_security_page_matches_the_map():
    page = (Path(__file__).parents[2] / "docs" / "SECURITY.md").read_text()
    start = "<!-- record of processing: start -->\n"
    held = page[page.index(start) + len(start) : page.index("<!-- record of processing: end -->")]
    assert held == record_of_processing(Base.metadata), (
        "run `coop record-of-processing` into docs/SECURITY.md"
    )
