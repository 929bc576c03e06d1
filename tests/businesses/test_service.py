"""Businesses: the first one is the co-op, new ones get their own series, names and prefixes
never clash, logos are checked images, only coordinators lead."""

import pytest
from sqlalchemy import select

from coop.businesses import service as businesses
from coop.businesses.models import Business
from coop.errors import DomainError
from coop.invoicing.models import NumberSequence
from tests import factories


def data(name="Green Cleaning", prefix="CLN-", **kw):
    return businesses.BusinessData(
        name=name,
        description=kw.pop("description", "Office cleaning rounds"),
        contact_email=kw.pop("contact_email", "clean@coop.example"),
        contact_phone=kw.pop("contact_phone", "01234 567890"),
        invoice_prefix=prefix,
        **kw,
    )


def test_a_fresh_install_has_one_business_named_after_the_co_op_with_the_existing_series(session):
    (first,) = businesses.list_businesses(session)
    assert first.name == "Co-op Works"
    assert first.series == "invoice" and first.invoice_prefix == "CW-"
    # A service saved without a business belongs to the first one.
    assert factories.service(session).business_id == first.id


def test_a_new_business_gets_its_own_series_starting_at_one(session):
    coord = factories.coordinator(session)
    b = businesses.save_business(session, data(), actor_id=coord.id)
    assert b.series != "invoice"
    assert session.get(NumberSequence, b.series).next_number == 1
    assert [x.name for x in businesses.list_businesses(session)] == ["Co-op Works", "Green Cleaning"]


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"name": "co-op works"}, "name"),
        ({"prefix": "CW-"}, "invoice_prefix"),
        ({"prefix": "CLN1"}, "invoice_prefix"),
        ({"prefix": "A B-"}, "invoice_prefix"),
        ({"prefix": ""}, "invoice_prefix"),
        ({"name": "  "}, "name"),
        ({"contact_email": "not-an-address"}, "contact_email"),
    ],
)
def test_clashing_or_unusable_details_are_refused_and_change_nothing(session, kw, field):
    coord = factories.coordinator(session)
    with pytest.raises(DomainError) as e:
        businesses.save_business(session, data(**kw), actor_id=coord.id)
    assert e.value.field == field
    assert session.scalar(select(Business).where(Business.name == "Green Cleaning")) is None
    assert len(businesses.list_businesses(session)) == 1


def test_a_logo_must_be_an_image_that_decodes(session, tmp_path):
    coord = factories.coordinator(session)
    with pytest.raises(DomainError, match="PNG or JPEG"):
        businesses.save_business(
            session, data(), actor_id=coord.id, logo=b"%PDF-1.4 not an image", upload_dir=tmp_path
        )
    with pytest.raises(DomainError, match="PNG or JPEG"):
        businesses.save_business(
            session, data(), actor_id=coord.id, logo=b"\x89PNG\r\n\x1a\nbroken", upload_dir=tmp_path
        )
    b = businesses.save_business(
        session, data(), actor_id=coord.id, logo=factories.png_bytes(), upload_dir=tmp_path
    )
    assert b.logo_type == "image/png"
    assert businesses.logo_file(b, tmp_path) == factories.png_bytes()


def test_only_coordinators_lead_and_a_coordinator_sees_what_they_lead(session):
    coord = factories.coordinator(session)
    member = factories.member(session)
    b = businesses.save_business(session, data(), actor_id=coord.id)
    with pytest.raises(DomainError, match="Only coordinators"):
        businesses.set_leads(session, b.id, [member.user_id], actor_id=coord.id)
    businesses.set_leads(session, b.id, [coord.id], actor_id=coord.id)
    assert businesses.led_by(session, coord.id) == [b.id]
    businesses.set_leads(session, b.id, [], actor_id=coord.id)
    assert businesses.led_by(session, coord.id) == []
