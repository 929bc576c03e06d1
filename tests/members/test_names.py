"""Names that must be unique are refused with a message, whatever the alphabet (SQLite's lower()
folds ASCII letters only, so a non-ASCII duplicate once reached the unique constraint: a 500)."""

import pytest

from coop.bookings import service as bookings
from coop.errors import DomainError
from coop.members import service


@pytest.mark.parametrize("name", ["Gardening", "Café work", "Ýoga", "園芸"])
def test_a_second_skill_with_the_same_name_is_refused(session, name):
    service.save_skill(session, name, "")
    with pytest.raises(DomainError, match="already a skill"):
        service.save_skill(session, name, "")


def test_case_is_ignored_for_ascii_names(session):
    service.save_skill(session, "Gardening", "")
    with pytest.raises(DomainError, match="already a skill"):
        service.save_skill(session, "GARDENING", "")


def test_a_second_client_with_the_same_accented_name_is_refused(session):
    data = bookings.ClientData(
        name="Zoë's Café", address="1 Road", billing_email="a@b.example", payment_terms_days=14
    )
    bookings.save_client(session, data)
    with pytest.raises(DomainError, match="already a client"):
        bookings.save_client(session, data)
