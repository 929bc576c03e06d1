"""The vocational point in a real browser (four variants, axe on every page with JavaScript on):
a person asks through the public form and gets an acknowledgement; a member on a helpline shift
records a call; a coordinator follows an enquiry up and turns it into a member, who then signs in
through the invitation."""

from __future__ import annotations

import re

from sqlalchemy import select

from coop.enquiries import service
from coop.enquiries.models import Enquiry
from coop.mail.models import OutboxMessage
from tests import factories
from tests.conftest import PASSWORD
from tests.enquiries.helpers import data, helpline_member
from tests.factories import unique


def _email_link(live, to: str, pattern: str) -> str:
    s = live.session()
    bodies = s.scalars(select(OutboxMessage.body).where(OutboxMessage.to_address == to)).all()
    s.close()
    links = [m for body in bodies for m in re.findall(re.escape(live.base_url) + pattern, body)]
    assert links, f"no such link emailed to {to}"
    return links[-1]


def test_a_person_asks_through_the_public_form_and_is_acknowledged(live, ui):
    email = unique("robin") + "@example.org"
    ui.goto("/")
    ui.click("Tell us a little about yourself", role="link")
    ui.sees("What we keep")
    ui.page.get_by_label("What would you like us to call you?").fill("Robin")
    ui.page.get_by_label("Email address").fill(email)
    ui.page.get_by_label("What kinds of work interest you?").fill("Gardening")
    ui.page.get_by_label("A hospital ward").check()
    ui.page.get_by_label("You may contact me about working with the co-op").check()
    ui.click("Send")
    ui.sees("We have your message")
    link = _email_link(live, email, r"/interested/forget/\S+")
    ui.page.goto(link)
    ui.check()
    ui.sees("Hello Robin")


def test_a_member_on_a_helpline_shift_records_a_call(live, ui):
    s = live.session()
    member = helpline_member(s, email=unique("helper") + "@example.org")
    email, user_id = member.user.email, member.user_id
    s.close()
    ui.login(email, PASSWORD)
    ui.goto("/helpline")
    ui.page.get_by_label("What they would like to be called").fill("Dev")
    ui.page.get_by_label("Phone number").fill("07700 900789")
    ui.page.get_by_label("A day centre").check()
    ui.page.get_by_label("What was said and agreed").fill("Dev would like to try a helpline shift.")
    ui.page.get_by_label("They agreed that we may contact them").check()
    ui.click("Save the call")
    ui.sees("Call saved: Dev.")
    ui.click("Dev", role="link")
    ui.sees("Dev would like to try a helpline shift.")
    s = live.session()
    assert s.scalar(select(Enquiry.channel).where(Enquiry.taken_by_id == user_id)) == "phone"
    s.close()


def test_a_coordinator_turns_an_enquiry_into_a_member_who_signs_in(live, ui):
    s = live.session()
    coordinator = factories.coordinator(s, unique("coord") + "@example.org").email
    email, name = unique("joiner") + "@example.org", unique("Sam Joiner")
    service.receive(
        s, data(name=name, email=email), ip=unique("10.3."), link_for=lambda t: f"{live.base_url}/x/{t}"
    )
    s.close()
    ui.login(coordinator, PASSWORD)
    ui.goto("/enquiries")
    ui.click(name, role="link")
    ui.page.get_by_label("What happened").fill("Rang them; they would like to join.")
    ui.click("Add the note")
    ui.sees("Note added.")
    ui.click("Invite them to join")
    ui.sees(f"Invitation sent to {email}")
    invitation = _email_link(live, email, r"/invite/\S+")
    ui.click("Sign out")
    ui.page.goto(invitation)
    ui.check()
    ui.page.get_by_label("New password", exact=True).fill(PASSWORD)
    ui.page.get_by_label("Type the new password again", exact=True).fill(PASSWORD)
    ui.click("Save password")
    ui.sees("Your password is saved and you are signed in.")
