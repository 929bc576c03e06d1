"""Every test builds its own app (its own database and folders), and werkzeug compiles each of
the app's 227 URL rules into two small Python functions as the rule is added: about 0.1 s an app,
a fifth of a typical test. A rule's builder depends only on its text, its parsed parts and
which of them have defaults, so a test process compiles each once and later apps reuse it.

Installed by tests/conftest.py through Flask's `url_rule_class`; the app itself is unchanged."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask
from werkzeug.routing import Rule

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


def remember_url_builders() -> None:
    Flask.url_rule_class = RememberedRule


def remembered() -> int:
    return len(_BUILDERS)
