"""`web.refusals`: the one way a view calls a service and shows its refusal."""

from __future__ import annotations

import pytest
from flask import Flask, get_flashed_messages
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import StringField

from coop.errors import DomainError
from coop.extensions import db
from coop.limits.service import LimitWarning
from coop.members.models import Skill
from coop.web import refusals


class NameForm(FlaskForm):
    name = StringField("Name")


def _add_skill(name: str) -> None:
    db.session.add(Skill(name=name))
    db.session.flush()


def test_a_refusal_rolls_back_and_is_shown_on_the_field_it_names(app: Flask) -> None:
    with app.test_request_context(method="POST"):
        form = NameForm(meta={"csrf": False})
        with refusals(form) as done:
            _add_skill("Refused carpentry")
            raise DomainError("That name is taken.", field="name")
        assert not done.ok and done.error is not None
        assert form.name.errors == ["That name is taken."]
        assert get_flashed_messages() == []
        assert db.session.scalar(select(Skill).where(Skill.name == "Refused carpentry")) is None


def test_without_a_form_or_field_the_refusal_is_flashed(app: Flask) -> None:
    with app.test_request_context(method="POST"):
        form = NameForm(meta={"csrf": False})
        with refusals(form) as on_form:
            raise DomainError("Not now.")
        with refusals() as bare:
            raise DomainError("Not today.")
        assert not on_form.ok and not bare.ok
        assert get_flashed_messages(with_categories=True) == [("error", "Not now."), ("error", "Not today.")]


def test_a_block_that_succeeds_is_ok_and_keeps_its_work(app: Flask) -> None:
    with app.test_request_context(method="POST"):
        with refusals() as done:
            _add_skill("Kept gardening")
        assert done.ok and done.error is None and done.over_limit is None
        assert db.session.scalar(select(Skill).where(Skill.name == "Kept gardening")) is not None


def test_an_over_limit_warning_is_kept_for_the_confirmation_page_not_flashed(app: Flask) -> None:
    with app.test_request_context(method="POST"):
        with refusals(over_limit=True) as asked:
            raise LimitWarning("This would take you over your limit.")
        assert asked.over_limit is asked.error and not asked.ok
        assert get_flashed_messages() == []
    # a view that does not offer the confirmation shows it like any refusal
    with app.test_request_context(method="POST"):
        with refusals() as plain:
            raise LimitWarning("This would take you over your limit.")
        assert plain.over_limit is None
        assert get_flashed_messages() == ["This would take you over your limit."]


def test_show_false_leaves_the_refusal_to_the_view(app: Flask) -> None:
    with app.test_request_context(method="POST"):
        with refusals(NameForm(meta={"csrf": False}), show=False) as done:
            raise DomainError("Pick a day.", field="name")
        assert done.error is not None and done.error.field == "name"
        assert get_flashed_messages() == []


def test_other_errors_pass_through(app: Flask) -> None:
    with app.test_request_context(method="POST"), pytest.raises(KeyError), refusals():
        raise KeyError("a bug is a bug, never a message")
