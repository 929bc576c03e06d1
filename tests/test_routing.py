"""The tests' remembered URL builders (tests/routing.py) build the same URLs as werkzeug's own."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from werkzeug.routing import Rule

from tests import routing


def test_a_second_app_compiles_no_builder_and_builds_the_same_urls(app: Flask, tmp_path: Path) -> None:
    from coop.app import create_app
    from tests.conftest import app_config

    assert isinstance(next(iter(app.url_map.iter_rules())), routing.RememberedRule)
    before = routing.remembered()
    second = create_app(app_config(app.config["DATABASE_URL"], tmp_path))
    try:
        assert routing.remembered() == before  # every builder came from the first app
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
