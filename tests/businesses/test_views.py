"""Coordinators add and edit businesses and choose who leads them, through HTTP."""

from sqlalchemy import select

from coop.businesses.models import Business, BusinessLead
from coop.invoicing.models import Invoice
from tests import factories


def test_a_coordinator_adds_a_business_sets_its_lead_and_puts_a_service_in_it(web, session):
    coord = factories.coordinator(session, "coord@example.org")
    skill = factories.skill(session, "Gardening")
    web.login("coord@example.org")
    page = web.get("/businesses").get_data(as_text=True)
    assert "Co-op Works" in page and "Add a business" in page
    r = web.post(
        "/businesses/new",
        {
            "name": "Green Gardens",
            "description": "Lawns",
            "contact_email": "",
            "contact_phone": "",
            "invoice_prefix": "GG-",
            "in_directory": "y",
        },
    )
    assert r.status_code == 302
    b = session.scalar(select(Business).where(Business.name == "Green Gardens"))
    assert b is not None and b.invoice_prefix == "GG-"
    assert web.post(f"/businesses/{b.id}/leads", {"leads-leads": [str(coord.id)]}).status_code == 302
    session.rollback()
    assert session.scalars(select(BusinessLead.user_id).where(BusinessLead.business_id == b.id)).all() == [
        coord.id
    ]
    r = web.post(
        "/services/new",
        {
            "name": "Hedges",
            "description": "",
            "skill_id": skill.id,
            "business_id": b.id,
            "charge": "30",
            "pay": "15",
            "vat_rate": "20",
            "min_booking_hours": "1",
            "active": "y",
        },
    )
    assert r.status_code == 302
    assert "Green Gardens" in web.get("/services").get_data(as_text=True)


def test_a_clashing_prefix_is_shown_on_the_form_and_saves_nothing(web, session):
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    r = web.post("/businesses/new", {"name": "Copycat", "invoice_prefix": "CW-"})
    assert r.status_code == 200
    assert "Another business uses that invoice number prefix" in r.get_data(as_text=True)
    assert session.scalar(select(Business).where(Business.name == "Copycat")) is None


def test_the_demo_co_op_has_three_businesses_one_the_helpline_with_its_lead(demo):
    from coop.businesses import leads
    from coop.businesses import service as businesses

    names = [b.name for b in businesses.list_businesses(demo)]
    assert names == ["Co-op Works", "Anytown Catering", "Co-op Works Helpline"]
    helpline = businesses.list_businesses(demo)[2]
    assert [u.email for u in leads.lead_accounts(demo, helpline.id)] == ["helpline@demo.coop.works"]
    numbers = {i.number[:3] for i in demo.scalars(select(Invoice).where(Invoice.number.is_not(None)))}
    assert numbers and numbers <= {"CW-", "AC-", "HL-"}  # each invoice in its business's series
