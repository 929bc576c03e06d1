"""The public "Interested in working with us?" form: what it keeps, the acknowledgement and its
link to delete sooner, the robot trap, the rate limit per address, and no question about health
or benefits on any public page."""

from __future__ import annotations

from html.parser import HTMLParser

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from coop.enquiries.models import SOURCES, Enquiry, EnquiryTally
from coop.enquiries.service import EnquiryData, checked
from coop.errors import DomainError
from coop.mail.models import OutboxMessage
from tests.crawl import crawl
from tests.enquiries.helpers import FORM, emails_to, forget_path


def _count(session, model=Enquiry) -> int:
    session.rollback()  # see what the requests committed
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_a_person_asks_and_gets_an_acknowledgement_with_a_link_to_delete_it(web, session):
    page = web.get("/interested").get_data(as_text=True)
    assert "What we keep" in page and "deleted 6 months after you send it" in page
    r = web.post("/interested", FORM)
    assert r.status_code == 302 and r.headers["Location"].endswith("/interested/thanks")
    [enquiry] = session.scalars(select(Enquiry)).all()
    assert (enquiry.name, enquiry.channel, enquiry.heard_from, enquiry.status) == (
        "Robin",
        "web",
        "ward",
        "new",
    )
    assert enquiry.work_interests == "Gardening" and enquiry.taken_by_id is None
    [email] = emails_to(session, "robin@example.org")
    assert "Thank you for getting in touch" in email.subject and "3 working days" in email.body
    path = forget_path(email.body)
    assert path.split("/")[-1] not in (enquiry.forget_digest or "")  # only the digest is kept
    opened = web.get(path)
    assert opened.status_code == 200 and "Hello Robin" in opened.get_data(as_text=True)
    assert opened.headers["Cache-Control"] == "no-store"  # a secret link
    done = web.post(path, {})
    assert "has been deleted" in done.get_data(as_text=True)
    assert _count(session) == 0
    # counted, without anything about them, for the impact report
    assert session.scalar(select(EnquiryTally.enquiries)) == 1
    again = web.get(path)
    assert again.status_code == 404 and "already been deleted" in again.get_data(as_text=True)


def test_the_robot_trap_keeps_nothing_and_looks_like_success(web, session):
    r = web.post("/interested", {**FORM, "website": "http://spam.example"})
    assert r.status_code == 302 and r.headers["Location"].endswith("/interested/thanks")
    assert _count(session) == 0
    assert _count(session, OutboxMessage) == 0


def test_the_trap_is_hidden_from_people_and_screen_readers(web):
    page = web.get("/interested").get_data(as_text=True)
    trap = page[page.index('<div class="trap"') : page.index("</div>", page.index('<div class="trap"'))]
    assert 'aria-hidden="true"' in trap and 'tabindex="-1"' in trap and 'name="website"' in trap


def test_five_an_hour_from_one_address_then_a_clear_refusal(app, session):
    from tests.conftest import Web

    here = Web(app.test_client())
    for n in range(5):
        assert here.post("/interested", {**FORM, "email": f"p{n}@example.org"}).status_code == 302
    refused = here.post("/interested", {**FORM, "email": "p6@example.org"})
    assert refused.status_code == 429
    assert "several enquiries from this connection" in refused.get_data(as_text=True)
    assert _count(session) == 5
    # Another address is not held back by this one.
    there = Web(app.test_client())
    r = there.post(
        "/interested", {**FORM, "email": "other@example.org"}, environ_base={"REMOTE_ADDR": "10.9.8.7"}
    )
    assert r.status_code == 302 and _count(session) == 6


def test_bad_input_gets_a_message_on_the_field_and_keeps_nothing(web, session):
    cases = [
        ({"email": "", "phone": ""}, "Give an email address or a phone number"),
        ({"email": "not an email"}, "Enter an email address like"),
        ({"consent": ""}, "Tick the box"),
        ({"heard_from": "radio"}, "Choose how you heard about us"),
        ({"name": "  "}, "Tell us a name to call you by"),
        ({"phone": "call me", "email": ""}, "Enter a phone number"),
    ]
    for change, message in cases:
        payload = {k: v for k, v in {**FORM, **change}.items() if v != "" or k != "consent"}
        r = web.post("/interested", payload)
        assert r.status_code == 200, change
        assert message in r.get_data(as_text=True), change
    assert _count(session) == 0


def test_a_phone_number_alone_is_enough_and_sends_no_email(web, session):
    r = web.post("/interested", {**FORM, "email": "", "phone": "07700 900123"})
    assert r.status_code == 302
    assert session.scalar(select(Enquiry.phone)) == "07700 900123"
    assert _count(session, OutboxMessage) == 0


def test_the_form_is_linked_from_the_home_page_and_the_directory(web):
    for page in ("/", "/directory"):
        assert 'href="/interested"' in web.get(page).get_data(as_text=True), page


FORBIDDEN = (
    "health",
    "diagnos",
    "condition",
    "medicat",
    "medicine",
    "benefit",
    "illness",
    "disab",
    "symptom",
)


class Questions(HTMLParser):
    """The words of every question a form asks: labels, legends, hints, options and field names."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside a <form>
        self.capture = 0
        self.words: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.depth += 1
        if self.depth and tag in ("label", "legend", "option", "p"):
            self.capture += 1
        if self.depth and tag in ("input", "textarea", "select"):
            self.words.append(f"{a.get('name', '')} {a.get('placeholder', '')}")

    def handle_endtag(self, tag):
        if tag == "form":
            self.depth -= 1
        if self.depth and tag in ("label", "legend", "option", "p") and self.capture:
            self.capture -= 1

    def handle_data(self, data):
        if self.capture:
            self.words.append(data)


def test_no_public_page_asks_about_health_diagnosis_medication_or_benefits(web):
    pages = crawl(web, ["/", "/interested", "/directory", "/login", "/forgot"])
    assert "/interested" in pages and len(pages) >= 5
    for url, html in pages.items():
        parser = Questions()
        parser.feed(html)
        asked = " ".join(parser.words).lower()
        assert asked.strip() or url != "/interested"
        hits = [w for w in FORBIDDEN if w in asked]
        assert hits == [], (url, hits)


FIELDS = {"name", "email", "phone", "good_time", "work_interests", "would_help", "heard_from", "consent"}


@given(
    name=st.text(max_size=90),
    email=st.one_of(st.just(""), st.emails(), st.text(max_size=30)),
    phone=st.one_of(st.just(""), st.from_regex(r"0[0-9 ]{9,14}", fullmatch=True), st.text(max_size=20)),
    heard_from=st.sampled_from([*SOURCES, "", "radio"]),
    consent=st.booleans(),
)
def test_an_enquiry_is_kept_only_whole_and_a_refusal_names_its_field(name, email, phone, heard_from, consent):
    data = EnquiryData(name=name, email=email, phone=phone, heard_from=heard_from, consent=consent)
    try:
        kept = checked(data)
    except DomainError as e:
        assert e.field in FIELDS
        return
    assert 1 <= len(kept.name) <= 80 and kept.name == kept.name.strip()
    assert kept.email or kept.phone
    assert kept.heard_from in SOURCES and kept.consent
