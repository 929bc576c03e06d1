"""The invoice and credit-note documents are rendered by the invoicing area, without a request."""

import pytest
from flask import has_app_context

from coop.invoicing import rendering
from coop.invoicing import service as invoicing
from coop.timeutil import today_london
from tests import factories
from tests.factories import approved_work, period


@pytest.fixture
def issued(session, tmp_path):
    client = factories.client(session, "Bread & <Butter> Ltd")
    approved_work(session, client, hours=2, charge=2500)
    [draft] = invoicing.invoice_run(session, *period())
    assert not has_app_context()  # issuing from the CLI or a worker: no app, no request
    return invoicing.issue(
        session,
        draft.id,
        today=today_london(),
        render_html=rendering.invoice_html,
        invoice_dir=tmp_path,
        actor_id=None,
        base_url="http://coop.test",
    )


def test_the_invoice_document_shows_its_number_client_and_total_escaped(issued, tmp_path):
    html = rendering.invoice_html(issued)
    assert issued.number in html
    assert "Bread &amp; &lt;Butter&gt; Ltd" in html  # names people type are escaped
    assert "£50.00" in html  # 2 hours at £25, the filter the pages use
    assert (tmp_path / issued.pdf_path).read_bytes().startswith(b"%PDF")


def test_a_credit_note_is_rendered_without_a_request(issued, session, tmp_path):
    note = invoicing.credit_note(
        session,
        issued,
        gross_pence=1000,
        reason="One hour less",
        today=today_london(),
        render=rendering.credit_note_pdf,
        invoice_dir=tmp_path,
        actor_id=1,
    )
    assert (tmp_path / note.pdf_path).read_bytes().startswith(b"%PDF")
