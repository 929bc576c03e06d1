"""Hostile input into every form in the app: very long strings, unicode, HTML and script, SQL,
negative and huge numbers, impossible dates. Whatever is sent:

- the answer is never a server error;
- a form shown again with an error has changed nothing stored (no partial write);
- what comes back, and every page afterwards, shows the text escaped, never as markup.

The forms are found by following links from each role's home page on the demo co-op, so a new
form is fuzzed without anyone listing it here."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, text

from coop.db import Base
from coop.members.models import Skill
from tests import factories
from tests.conftest import signed_in
from tests.crawl import crawl, shape

SCRIPT = "<script>alert('x')</script>"
HOSTILE = [
    "",
    " ",
    SCRIPT,
    '"><img src=x onerror=alert(1)>',
    "'; DROP TABLE member; --",
    "1 OR 1=1",
    "-1",
    "0",
    "-99999999999999999999",
    "99999999999999999999",
    "1e309",
    "1E1000000",  # a Decimal past the default context: arithmetic on it overflows
    "NaN",
    "£1,000.00",
    "2026-02-30",
    "0000-00-00",
    "9999-12-31",
    "25:61",
    "\u0000",
    "\x1b[31mred\x1b[0m",  # a terminal's colour codes: XML (an e-invoice's note) cannot carry ESC
    "\u202eevil",
    "Zoë 😀 مرحبا 你好",
    "a" * 10_000,
]
# Tables that may change even when a form is refused: sign-in attempts are counted on purpose.
MAY_CHANGE_ON_REFUSAL = {"login_attempt", "alembic_version"}
# Forms not sent here: signing out ends the session the rest of the crawl uses.
SKIP_ACTIONS = {"/logout"}


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, list[str]] = field(default_factory=dict)  # name -> options ([] = free text)


class Forms(HTMLParser):
    def __init__(self, page_url: str) -> None:
        super().__init__()
        self.page_url = page_url
        self.forms: list[Form] = []
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            action = urljoin(self.page_url, a.get("action") or self.page_url)
            self.forms.append(Form(action, (a.get("method") or "get").lower()))
            return
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name", "")
        if not name or name == "csrf_token" or a.get("type") in ("submit", "button"):
            if tag == "option" and self.select:
                form.fields[self.select].append(a.get("value", ""))
            return
        if tag == "select":
            self.select = name
            form.fields.setdefault(name, [])
        elif tag in ("input", "textarea"):
            kind = a.get("type", "text")
            options = form.fields.setdefault(name, [])
            if kind in ("checkbox", "radio"):
                options.append(a.get("value", "y"))

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None


def forms_of(pages: dict[str, str]) -> list[Form]:
    seen: dict[tuple[str, str], Form] = {}
    for url, html in pages.items():
        parser = Forms(url)
        parser.feed(html)
        for form in parser.forms:
            path = urlsplit(form.action).path
            if path in SKIP_ACTIONS or not form.fields:
                continue
            seen.setdefault((form.method, shape(path)), form)
    return list(seen.values())


def value_for(options: list[str]) -> st.SearchStrategy[str]:
    hostile = st.sampled_from(HOSTILE) | st.text(max_size=300)
    return (st.sampled_from(options) | hostile) if options else hostile


DIGESTS = {"read": 0, "posts": 0, "refused": 0}  # reported: reading every table is the cost here


def digest(session: Any) -> dict[str, str]:
    DIGESTS["read"] += 1
    session.rollback()
    if session.get_bind().dialect.name == "postgresql":
        # One statement: the server hashes each table's rows, in order, as text (a statement per
        # table, each row sent back to be hashed here, was a fifth of this test's time there).
        hashed = "md5(coalesce(string_agg(r::text, E'\\n' ORDER BY r::text), ''))"
        each = " UNION ALL ".join(
            f"SELECT '{t.name}', {hashed} FROM {t.name} r"  # noqa: S608 (our own names)
            for t in Base.metadata.sorted_tables
        )
        return dict(session.execute(text(each)).all())
    out = {}
    for table in Base.metadata.sorted_tables:
        rows = session.execute(text(f"SELECT * FROM {table.name}")).all()  # noqa: S608 (our own names)
        out[table.name] = hashlib.sha256(repr(sorted(map(repr, rows))).encode()).hexdigest()
    return out


class Writes:
    """A number that moves whenever anything is written to the database, cheap to read, so the
    tables are read again only after a write. On SQLite, `PRAGMA data_version` on a connection
    of its own (it changes when any other connection commits); on PostgreSQL, the next
    transaction id (only a transaction that writes takes one). A number that moved for another
    reason only costs a read of every table, never a wrong verdict."""

    def __init__(self, session: Any) -> None:
        self.session = session
        url = session.get_bind().url
        self.sqlite = sqlite3.connect(url.database) if url.get_backend_name() == "sqlite" else None

    def mark(self) -> int:
        if self.sqlite is not None:
            return int(self.sqlite.execute("PRAGMA data_version").fetchone()[0])
        self.session.rollback()
        return int(self.session.execute(text("SELECT pg_snapshot_xmax(pg_current_snapshot())")).scalar())

    def close(self) -> None:
        if self.sqlite is not None:
            self.sqlite.close()


def unescaped(html: str) -> bool:
    return SCRIPT in html or "<img src=x onerror" in html


def fuzz(web: Any, session: Any, writes: Writes, form: Form, examples: int) -> int:
    sent = 0
    # The database's digest and the write mark it was read at: while the mark stands still,
    # nothing was written, so the digest still holds and the tables are not read again.
    known: tuple[int, dict[str, str]] | None = None

    def now_stored() -> tuple[int, dict[str, str]]:
        nonlocal known
        mark = writes.mark()
        if known is None or known[0] != mark:
            known = (mark, digest(session))
        return known

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(st.data())
    def one(data: st.DataObject) -> None:
        nonlocal sent
        values = {name: data.draw(value_for(opts), label=name) for name, opts in form.fields.items()}
        path = urlsplit(form.action).path
        if form.method == "get":
            r = web.get(path, query_string=values)
            assert r.status_code < 500, (path, values)
            if r.mimetype == "application/pdf":  # a form that downloads a document (a statement)
                assert r.data.startswith(b"%PDF"), (path, values)
            else:
                assert not unescaped(r.get_data(as_text=True)), (path, values)
            sent += 1
            return
        _mark, before = now_stored()
        r = web.post(path, values)
        sent += 1
        DIGESTS["posts"] += 1
        assert r.status_code < 500, (path, values, r.status_code)
        page = r.get_data(as_text=True)
        assert not unescaped(page), (path, values)
        if r.status_code == 200:  # shown again with a message: nothing may have been written
            DIGESTS["refused"] += 1
            _mark, after = now_stored()
            changed = {t for t in after if after[t] != before[t]} - MAY_CHANGE_ON_REFUSAL
            assert changed == set(), (path, values, changed)
        elif r.status_code in (302, 303):
            follow = web.get(r.headers["Location"])
            assert follow.status_code < 500
            assert not unescaped(follow.get_data(as_text=True)), (path, values)

    one()
    return sent


def test_hostile_input_into_every_form(demo, make_web):
    writes = Writes(demo)
    total_forms = 0
    sent = 0
    for role in ("anonymous", "member", "client", "coordinator", "admin"):
        web = make_web() if role == "anonymous" else signed_in(make_web, role)
        starts = ["/login", "/forgot", "/directory"] if role == "anonymous" else ["/home"]
        forms = forms_of(crawl(web, starts))
        total_forms += len(forms)
        for form in forms:
            sent += fuzz(web, demo, writes, form, examples=int(os.environ.get("FUZZ_EXAMPLES", "6")))
        # afterwards, every page still renders, with whatever was stored shown escaped
        for url, html in crawl(web, starts).items():
            assert not unescaped(html), url
    print(
        f"fuzzed {total_forms} forms with {sent} requests; read the database {DIGESTS['read']} times"
        f" (one before each post and one after each refusal would be {DIGESTS['posts'] + DIGESTS['refused']})"
    )
    writes.close()
    assert total_forms > 50 and sent > 300


def test_form_finder_sees_fields_options_and_actions():
    parser = Forms("http://x/page")
    parser.feed(
        '<form method="post" action="/a"><input type="hidden" name="csrf_token" value="t">'
        '<input name="title"><select name="kind"><option value="1">One</option>'
        '<option value="2">Two</option></select><input type="checkbox" name="ok" value="y">'
        '<button type="submit">Go</button></form><form><input name="q"></form>'
    )
    post, get = parser.forms
    assert (post.action, post.method, post.fields) == (
        "http://x/a",
        "post",
        {"title": [], "kind": ["1", "2"], "ok": ["y"]},
    )
    assert (get.action, get.method, list(get.fields)) == ("http://x/page", "get", ["q"])
    assert unescaped(SCRIPT) and not unescaped("&lt;script&gt;")


def test_huge_numbers_in_addresses_and_query_strings_are_not_errors(demo, make_web):
    web = signed_in(make_web, "coordinator")
    huge = "99999999999999999999"
    assert web.get(f"/bookings/{huge}").status_code == 404
    assert web.get(f"/members/{2**31}").status_code == 404
    for url in (f"/audit?page={huge}", f"/members?skill={huge}", f"/timesheets/review?service={huge}"):
        assert web.get(url).status_code == 200, url
    member = signed_in(make_web, "member")
    assert member.get(f"/shifts/open?service={huge}&day={huge}").status_code == 200


def test_characters_no_one_types_are_dropped_not_errors(demo, make_web):
    web = signed_in(make_web, "coordinator")
    assert web.get("/bookings?status=%00").status_code == 200
    r = web.post("/skills", {"name": "Bak\x00i\x1bn\ufffeg", "description": "\x00\x07one\ntwo\tthree"})
    assert r.status_code == 302
    assert "Baking" in web.get("/skills").get_data(as_text=True)
    skill = demo.scalars(select(Skill).where(Skill.name == "Baking")).one()
    assert skill.description == "one\ntwo\tthree"  # line breaks and tabs are typed


def test_the_write_mark_moves_with_a_write_and_only_then(app, session):
    """The fuzzer trusts a digest while the mark stands still, so the mark must move whenever
    another connection writes, and a read must leave it be."""
    writes = Writes(session)
    other = app.extensions["coop_db"][1]()

    def a_read_leaves_it() -> bool:
        before = writes.mark()
        other.execute(text("SELECT count(*) FROM member")).scalar()
        other.commit()
        return writes.mark() == before

    # On PostgreSQL the mark is the cluster's next transaction id, which another test process's
    # write may move at any moment: a read that moved it itself would move it on every try.
    assert any(a_read_leaves_it() for _ in range(20))
    first = writes.mark()
    factories.skill(other, "Gardening")
    other.commit()
    second = writes.mark()
    assert second != first
    other.execute(text("UPDATE skill SET name = 'Hedges' WHERE name = 'Gardening'"))
    other.commit()
    assert writes.mark() != second
    other.close()
    writes.close()


def test_the_digest_tells_which_table_a_write_changed(app, session):
    """A refused form is judged by comparing digests, so a digest must change with any row of its
    table, and only its table's."""
    other = app.extensions["coop_db"][1]()
    factories.skill(other, "Gardening")
    other.commit()
    before = digest(session)
    assert before == digest(session)
    other.execute(text("UPDATE skill SET description = 'Hedges too' WHERE name = 'Gardening'"))
    other.commit()
    after = digest(session)
    assert {t for t in after if after[t] != before[t]} == {"skill"}
    other.close()
