"""Every page a person can open is reachable by links from their Home: a crawl from each demo
role's Home must reach each page of the site that takes no id and that the role may open."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from coop.mail.models import OutboxMessage
from tests.conftest import signed_in
from tests.crawl import crawl

# Pages that are not part of anyone's signed-in journey: the sign-in pages and the machine ones.
# The enquiry form and its thanks are for people who are not members yet (linked from "/").
OUTSIDE = {"/", "/login", "/forgot", "/healthz", "/verify", "/static", "/interested", "/interested/thanks"}


def pages_without_ids(app) -> set[str]:
    return {
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and not rule.arguments and rule.rule not in OUTSIDE
    }


# Pages of one thing each (an id in the address) that each role must reach from a list.
FROM_LISTS = {
    "member": {"governance.proposal", "skillshare.detail", "rota.drop", "rota.exchange"},
    "coordinator": {
        "bookings.booking_detail",
        "rota.fill",
        "members.edit_member",
        "invoicing.detail",
        "bookings.edit_client",
        "bookings.edit_service",
        "enquiries.detail",
    },
    "client": {"bookings.client_booking", "invoicing.client_pdf"},
    "admin": {"members.user_roles", "settings.edit"},
}


@pytest.mark.parametrize("role", ["member", "coordinator", "client", "admin"])
def test_every_page_a_role_can_open_is_linked_from_its_home(app, demo, make_web, role):
    web = signed_in(make_web, role)
    reached: set[str] = set()
    crawl(web, ["/home"], reached)
    may_open = {path for path in pages_without_ids(app) if web.get(path).status_code == 200}
    assert "/home" in may_open
    assert sorted(may_open - reached) == [], f"pages {role}s can open but no link reaches"
    adapter = app.url_map.bind("coop.test")
    endpoints = {adapter.match(path, method="GET")[0] for path in reached}
    assert sorted(FROM_LISTS[role] - endpoints) == [], f"pages {role}s reach from no list"


def test_the_client_reaches_confirming_visits(app, demo, make_web):
    web = signed_in(make_web, "client")
    reached: set[str] = set()
    crawl(web, ["/home"], reached)
    assert "/my/visits" in reached


def test_the_demo_builds_its_emailed_links_from_base_url(demo):
    bodies = demo.scalars(select(OutboxMessage.body)).all()
    links = [link for body in bodies for link in re.findall(r"https?://\S+", body)]
    assert links, "the demo queues emails with links"
    assert all(link.startswith("http://coop.test/") for link in links), links
