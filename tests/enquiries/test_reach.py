"""Posters and leaflets: an A4 poster and an A6 leaflet with the helpline number, the short web
address and a QR code that opens the form; and the helpline flag on a service."""

from __future__ import annotations

import io

import pytest
import segno
from pypdf import PdfReader
from sqlalchemy import select

from coop.bookings.models import Service
from coop.enquiries.reach import qr_data_uri
from coop.settings import service as settings
from tests import factories

MM = 72 / 25.4


@pytest.mark.parametrize(
    ("path", "size"), [("/interested/poster.pdf", (210, 297)), ("/interested/leaflet.pdf", (105, 148))]
)
def test_poster_and_leaflet_carry_the_number_the_address_and_a_qr_code(web, session, path, size):
    coord = factories.coordinator(session)
    settings.change(
        session, "helpline_phone", "0800 123 4567", effective_from=None, actor_id=coord.id, note=""
    )
    r = web.get(path)
    assert r.status_code == 200 and r.mimetype == "application/pdf"
    pdf = PdfReader(io.BytesIO(r.data))
    assert len(pdf.pages) == 1
    page = pdf.pages[0]
    width, height = float(page.mediabox.width) / MM, float(page.mediabox.height) / MM
    assert (round(width), round(height)) == size
    text = " ".join(page.extract_text().split())
    assert "0800 123 4567" in text and "coop.example/interested" in text
    assert "Interested in working with us?" in text


def test_the_qr_code_encodes_the_form_address():
    uri = qr_data_uri("http://coop.test/interested")
    assert uri.startswith("data:image/svg+xml")
    # The same code segno makes for the address (not hand-drawn): a version small enough to scan.
    assert segno.make("http://coop.test/interested", error="m").version <= 4


def test_a_coordinator_marks_a_service_as_the_helpline(session, make_web):
    factories.coordinator(session, "coord@example.org")
    skill = factories.skill(session, "Phones")
    web = make_web()
    web.login("coord@example.org")
    assert "Helpline" in web.get("/services/new").get_data(as_text=True)
    r = web.post(
        "/services/new",
        {
            "name": "Our helpline",
            "skill_id": skill.id,
            "charge": "25",
            "pay": "15",
            "vat_rate": "20",
            "min_booking_hours": "1",
            "helpline": "y",
            "active": "y",
        },
    )
    assert r.status_code == 302
    session.rollback()
    assert session.scalar(select(Service.helpline).where(Service.name == "Our helpline")) is True
