"""Every test builds its own app (its own database and folders), and each new app compiled again
what the apps before it had compiled: werkzeug turns each of the app's 227 URL rules into two
small Python functions as the rule is added (about 0.1 s an app), and Jinja compiles each template
the app renders the first time it renders it (about 0.2 s for a coordinator's first five pages).
Both depend only on their source, so a test process compiles each once and later apps reuse it:

- a URL rule's builder depends on the rule's text, its parsed parts and which of them have
  defaults (Flask's `url_rule_class`);
- a template's code depends on its source and the environment's settings, the same for every app
  `create_app` makes; Jinja's own bytecode cache keeps it (Flask's `jinja_options`), checked
  against the template's source each time it is loaded;
- SQLAlchemy compiles each statement to SQL once per engine (the engine's compiled cache, keyed
  by its own dialect), so an app on a new engine compiled every statement again. The test process
  keeps one engine per database address and each app gets a view of it
  (`Engine.execution_options()`): the view shares the engine's pool, dialect and compiled
  statements, and listeners a test adds to the view stay on it.

Installed by tests/conftest.py; the app itself is unchanged."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from flask import Flask
from jinja2 import BytecodeCache
from jinja2.bccache import Bucket
from sqlalchemy import Engine
from werkzeug.routing import Rule

from coop import extensions
from coop.db import make_engine

_BUILDERS: dict[tuple[Any, ...], Callable[..., tuple[str, str]]] = {}


class RememberedRule(Rule):
    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        defaults = self.defaults or {}
        if any(dynamic and part in defaults for dynamic, part in self._trace):
            # a default filled into the URL is written by its converter: not worth a key
            return super()._compile_builder(append_unknown)
        key = (self.rule, tuple(self._trace), tuple(sorted(defaults)), append_unknown)
        if key not in _BUILDERS:
            _BUILDERS[key] = super()._compile_builder(append_unknown)
        return _BUILDERS[key]


class RememberedTemplates(BytecodeCache):
    """Compiled templates kept in this process, for every app's environment."""

    def __init__(self) -> None:
        self.code: dict[str, bytes] = {}
        self.compiled = 0  # templates compiled (not found here) since the process started

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self.code:
            bucket.bytecode_from_string(self.code[bucket.key])  # dropped if its source changed

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.compiled += 1
        self.code[bucket.key] = bucket.bytecode_to_string()


TEMPLATES = RememberedTemplates()

_ENGINES: dict[tuple[int, str], Engine] = {}


def shared_engine(url: str) -> Engine:
    """A view of this process's engine for the database at `url`."""
    key = (os.getpid(), url)  # a forked process opens its own
    if key not in _ENGINES:
        _ENGINES[key] = make_engine(url)
    return _ENGINES[key].execution_options()


def share_compiled_work() -> None:
    Flask.url_rule_class = RememberedRule
    Flask.jinja_options = {**Flask.jinja_options, "bytecode_cache": TEMPLATES}
    extensions.make_engine = shared_engine


def remembered_builders() -> int:
    return len(_BUILDERS)
