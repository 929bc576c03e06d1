"""docs/PERFORMANCE.md is written by `make bench`: its tables, the 10x section that
`make bench SCALE=10` keeps, and then the notes, copied from bench/NOTES.md. A note written
straight into docs/PERFORMANCE.md is lost at the next `make bench` (four sections once were)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEN_END = "<!-- /10x -->"  # bench/run.py's end of the 10x section


def notes_after_the_tables(doc: str) -> str:
    return doc[doc.index(TEN_END) + len(TEN_END) :].lstrip("\n")


def test_the_performance_notes_are_the_ones_make_bench_copies():
    doc = (ROOT / "docs" / "PERFORMANCE.md").read_text()
    notes = (ROOT / "bench" / "NOTES.md").read_text()
    assert notes_after_the_tables(doc) == notes, (
        "Write notes in bench/NOTES.md and copy them after the tables: make bench rewrites "
        "docs/PERFORMANCE.md from it."
    )


def test_the_check_sees_a_note_written_only_into_the_doc():
    doc = (ROOT / "docs" / "PERFORMANCE.md").read_text()
    notes = (ROOT / "bench" / "NOTES.md").read_text()
    assert notes_after_the_tables(doc + "\n## A note the next run would lose\n") != notes
