"""The matching rule, for any payment and any open invoices: what it suggests always adds up to
the payment, names only invoices that are open, and always says why; a number in the reference
is found however the payer spaced it, and never inside a longer number."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from coop.books.matching import OpenInvoice, suggest

invoices = st.lists(
    st.builds(
        OpenInvoice,
        id=st.integers(1, 60),
        number=st.integers(1, 60).map(lambda n: f"CW-{n:05d}"),
        client_id=st.integers(1, 3),
        client_name=st.sampled_from(["Corner Bakery", "Green Grocer", "Harbour Cafe"]),
        balance_pence=st.integers(1, 100_000),
        gross_pence=st.integers(1, 100_000),
    ),
    max_size=8,
    unique_by=lambda i: i.id,
)


@given(
    amount=st.integers(1, 300_000),
    payer=st.sampled_from(["", "CORNER BAKERY LTD", "J SMITH"]),
    reference=st.text(max_size=40)
    | st.lists(st.integers(1, 60), max_size=3).map(lambda ns: " ".join(f"cw {n:05d}" for n in ns)),
    open_invoices=invoices,
)
def test_a_suggestion_adds_up_and_names_only_open_invoices(amount, payer, reference, open_invoices):
    s = suggest(amount, payer, reference, open_invoices)
    if s.found:
        assert sum(a.amount_pence for a in s.allocations) == amount
        assert all(a.amount_pence > 0 for a in s.allocations)
        assert {a.invoice_id for a in s.allocations} <= {i.id for i in open_invoices}
        assert len({a.invoice_id for a in s.allocations}) == len(s.allocations)
        assert s.reasons


def _one(number: str, balance: int = 1_000) -> list[OpenInvoice]:
    return [OpenInvoice(1, number, 1, "Corner Bakery", balance, balance)]


def test_numbers_are_found_however_written_and_never_inside_longer_ones():
    for reference in ("CW-00012", "cw 00012", "INV CW00012 THANKS", "cw/00012"):
        assert suggest(500, "", reference, _one("CW-00012")).found, reference
    assert not suggest(500, "", "CW-000123", _one("CW-00012")).found
    assert not suggest(500, "", "ACW-00012", _one("CW-00012")).found
    exact = suggest(1_000, "CORNER BAKERY", "rent", _one("CW-00012"))
    assert exact.reasons == ["paid by Corner Bakery", "exact amount"]
