"""What the tests' apps share (tests/compiled.py): URL builders that build the same URLs as
werkzeug's own, compiled templates that render the same pages as templates compiled afresh, and
compiled statements, each app with listeners of its own."""

from __future__ import annotations

from pathlib import Path

import time_machine
from flask import Flask
from sqlalchemy import event, select
from werkzeug.routing import Rule

from coop.app import create_app
from coop.auth.models import User
from coop.timeutil import utcnow
from tests import compiled, factories
from tests.conftest import Web, app_config


def test_a_second_app_compiles_no_builder_and_builds_the_same_urls(app: Flask, tmp_path: Path) -> None:
    assert isinstance(next(iter(app.url_map.iter_rules())), compiled.RememberedRule)
    before = compiled.remembered_builders()
    second = create_app(app_config(app.config["DATABASE_URL"], tmp_path))
    try:
        assert compiled.remembered_builders() == before  # every builder came from the first app
        rules = list(second.url_map.iter_rules())
        assert len(rules) > 200
        for rule in rules:
            values = {name: 7 if rule._converters[name].regex == r"\d+" else "x y" for name in rule.arguments}
            plain = Rule(rule.rule, endpoint=rule.endpoint, defaults=rule.defaults)  # werkzeug's own
            plain.bind(second.url_map, rebind=True)
            for extra in ({}, {"page": "2", "q": "a&b"}):
                assert rule.build(values | extra) == plain.build(values | extra), rule.rule
                assert rule.build(values | extra, append_unknown=False) == plain.build(
                    values | extra, append_unknown=False
                )
    finally:
        second.extensions["coop_db"][0].dispose()


def test_a_second_app_renders_from_the_compiled_templates_the_same_pages(app, session, web, tmp_path):
    factories.member(session, email="m@example.org")
    pages = ["/login", "/home", "/shifts/open", "/me"]

    def shown(client: Web) -> list[str]:
        client.login("m@example.org")
        out = [client.get(p).get_data(as_text=True) for p in pages]
        client.logout()
        return [Web.TOKEN.sub("", page) for page in out]

    # The clock stands still, so the three renderings cannot fall either side of midnight.
    stopped = time_machine.travel(utcnow(), tick=False)
    stopped.start()
    first = shown(web)
    second = create_app(app_config(app.config["DATABASE_URL"], tmp_path))
    fresh = create_app(app_config(app.config["DATABASE_URL"], tmp_path / "fresh"))
    fresh.jinja_env.bytecode_cache = None  # compiles every template from its source
    try:
        compiled_before = compiled.TEMPLATES.compiled
        again = shown(Web(second.test_client()))
        assert compiled.TEMPLATES.compiled == compiled_before  # nothing compiled a second time
        assert again == first == shown(Web(fresh.test_client()))
    finally:
        stopped.stop()
        second.extensions["coop_db"][0].dispose()
        fresh.extensions["coop_db"][0].dispose()


def test_a_second_app_on_the_database_compiles_no_statement_again_and_keeps_its_own_listeners(
    app, session, tmp_path
):
    factories.member(session, email="m@example.org")
    ask = select(User.email).where(User.email.like("%@example.org"))
    engine = app.extensions["coop_db"][0]
    assert session.execute(ask).scalars().all() == ["m@example.org"]
    compiled_before = len(engine._compiled_cache)
    second = create_app(app_config(app.config["DATABASE_URL"], tmp_path))
    heard: list[str] = []
    event.listen(second.extensions["coop_db"][0], "before_cursor_execute", lambda *a: heard.append(a[2]))
    asked = lambda: [sql for sql in heard if "user_account" in sql]  # noqa: E731 (SQLite's BEGIN aside)
    other = second.extensions["coop_db"][1]()
    try:
        assert other.execute(ask).scalars().all() == ["m@example.org"]
        # the first app's compiled statement: nothing new in what the second app's engine holds
        assert len(second.extensions["coop_db"][0]._compiled_cache) == compiled_before
        assert len(asked()) == 1
        session.execute(ask).all()
        assert len(asked()) == 1  # a listener on one app's engine hears nothing of another's
    finally:
        other.close()
        second.extensions["coop_db"][0].dispose()
