"""Amounts typed into forms: pounds and pence become whole pence, and anything else, however large
or strange, is a message on the field, never an error page."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from coop.errors import DomainError
from coop.money import parse_pounds, pounds_field
from coop.web import parse_decimal


@pytest.mark.parametrize(
    ("typed", "pence"), [("13.45", 1345), ("£13.45", 1345), ("1,000", 100000), ("-2.5", -250), ("0", 0)]
)
def test_pounds_and_pence_become_pence(typed, pence):
    assert parse_pounds(typed) == pence


@pytest.mark.parametrize(
    "typed", ["1E999999", "1E1000000", "-1e1000000", "1e309", "9" * 40, "-1E+30", "NaN", "1.234", "ten", ""]
)
def test_what_is_not_an_amount_is_a_message_on_the_field(typed):
    with pytest.raises(DomainError) as refused:
        pounds_field(typed, "amount")
    assert refused.value.field == "amount"


@given(st.text(alphabet="0123456789eE+-.,£ ", max_size=30))
def test_any_number_shaped_text_is_an_amount_or_a_message(typed):
    try:
        pence = parse_pounds(typed)
    except ValueError:
        return
    assert abs(pence) < 10**11  # fits the database's integers with room to spare


@pytest.mark.parametrize("typed", ["1E1000000", "-1e1000000", "1e9", "Infinity", "NaN", "ten"])
def test_a_number_field_refuses_what_no_one_means_with_a_message(typed):
    with pytest.raises(DomainError) as refused:
        parse_decimal(typed, "rate")
    assert refused.value.field == "rate"
