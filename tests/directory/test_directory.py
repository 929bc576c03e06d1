"""The public directory of services and opportunities, as a page and a PDF."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from coop.errors import DomainError
from coop.governance.models import Proposal
from coop.timeutil import today_london
from tests import factories
from tests.conftest import pdf_text


def test_directory_public_page_and_pdf(web, session):
    from coop.directory import service as directory

    factories.service(session, name="Office cleaning")
    today = today_london()
    directory.save_entry(
        session,
        directory.EntryData(
            "job_club",
            "Thursday Job Club",
            "CV help",
            "Drop in",
            "Thu 10-12",
            "Step-free",
            today + timedelta(days=30),
        ),
        today=today,
    )
    stale = directory.save_entry(
        session,
        directory.EntryData("advice", "Welfare Rights", "Benefits advice", "0800 000", "", "", today),
        today=today,
    )
    stale.review_date = today - timedelta(days=1)
    session.commit()
    page = web.get("/directory").get_data(as_text=True)
    assert "Office cleaning" in page and "Thursday Job Club" in page and "being checked" in page
    assert 'href="/directory"' in web.get("/").get_data(as_text=True)
    pdf = web.get("/directory.pdf")
    text = pdf_text(pdf.data)
    assert "Thursday Job Club" in text and "Office cleaning" in text and "Job clubs" in text
    with pytest.raises(DomainError, match="today or later"):
        directory.save_entry(
            session,
            directory.EntryData("advice", "X", "", "y", "", "", today - timedelta(days=2)),
            today=today,
        )
    assert session.scalars(select(Proposal)).all() == []


def test_the_directory_pdf_is_made_again_only_when_the_page_changed(web, session):
    """Public PDFs are kept by their HTML: asked for twice, made once; a change shows at once."""
    from coop import documents

    def directory_text() -> str:
        pdf = web.get("/directory.pdf")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        return pdf_text(pdf.data)

    documents._kept_pdf.cache_clear()
    factories.service(session, name="Office cleaning")
    first = directory_text()
    assert directory_text() == first
    assert documents._kept_pdf.cache_info()[:2] == (1, 1)  # one hit, one PDF made
    factories.service(session, name="Window washing")
    assert "Window washing" in directory_text() and "Window washing" not in first
    assert documents._kept_pdf.cache_info()[:2] == (1, 2)
