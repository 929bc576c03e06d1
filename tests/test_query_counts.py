"""No page people use every day sends a query per row: the SQL statements for each page are the
same on a small generated co-op and on one three times its size, and at most 13 (a member's Home
and Open shifts ask one statement more than they did for the swaps waiting and the first steps).
(`make bench` measures the same on 1,000 members and 52 weeks.)"""

from __future__ import annotations

from bench.minimal import add_minimal_page
from bench.pages import PAGES, Counter, signed_in
from coop.app import create_app
from coop.demo import generate as gen
from tests.conftest import app_config

MAX_STATEMENTS = 13


def statements_per_page(db_url, tmp_path, spec):
    app = add_minimal_page(create_app(app_config(db_url, tmp_path)))
    session = app.extensions["coop_db"][1]()
    gen.generate(session, spec)
    session.close()
    clients = {role: signed_in(app, email) for role, email in gen.logins()}
    counter = Counter(app.extensions["coop_db"][0])
    out = {}
    for role, name, url in PAGES:
        clients[role].get(url)
        counter.count = 0
        assert clients[role].get(url).status_code == 200, name
        out[name] = counter.count
    app.extensions["coop_db"][0].dispose()
    return out


def test_statements_per_page_do_not_grow_with_the_data(databases, tmp_path):
    small_url, big_url = databases.create(), databases.create()
    try:
        small = statements_per_page(small_url, tmp_path / "small", gen.Spec(members=20, clients=4, weeks=6))
        big = statements_per_page(big_url, tmp_path / "big", gen.Spec(members=60, clients=12, weeks=6))
    finally:
        databases.drop(small_url)
        databases.drop(big_url)
    # A page may ask one statement more at some hours than at others (My shifts reads the
    # arrival taps only when a held shift is on the day, as the clock has it), so the two may
    # differ by one; a statement per row would differ by as many rows as the co-op grew.
    grew = {name: (small[name], big[name]) for name in small if abs(big[name] - small[name]) > 1}
    assert grew == {}, grew
    assert max(small.values()) <= MAX_STATEMENTS, small
    assert max(big.values()) <= MAX_STATEMENTS, big
