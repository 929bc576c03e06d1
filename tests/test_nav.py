"""The menu fits the person: everyday places in view, each page once, "Running the co-op" as a
section of its own for a coordinator who is also a member."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from coop.nav import nav_for


@dataclass
class Person:
    roles: tuple[str, ...]
    is_authenticated: bool = True

    def has_role(self, role: str) -> bool:
        return role in self.roles


ROLE_SETS = [
    ("member",),
    ("coordinator",),
    ("client",),
    ("admin",),
    ("member", "coordinator"),
    ("admin", "coordinator"),
    ("admin", "coordinator", "member"),
    ("member", "client"),
]


@pytest.mark.parametrize("roles", ROLE_SETS)
def test_each_page_once_and_each_label_once(roles):
    nav = nav_for(Person(roles))
    endpoints = nav.endpoints()
    assert len(endpoints) == len(set(endpoints))
    labels = [i.label for i in nav.places] + [i.label for m in nav.menus for i in m.items]
    assert len(labels) == len(set(labels)), labels
    assert nav.places[0].endpoint == "home.dashboard"
    assert len(nav.places) <= 5  # Home and four everyday places


def test_a_member_who_coordinates_has_their_work_in_view_and_the_running_in_its_own_menu():
    nav = nav_for(Person(("member", "coordinator")))
    assert [i.label for i in nav.places] == ["Home", "Open shifts", "My shifts", "My hours", "My pay"]
    assert [m.title for m in nav.menus] == ["More for you", "Running the co-op", "Your account"]
    running = [i.endpoint for i in nav.menus[1].items]
    assert running[:4] == ["bookings.queue", "rota.week", "timesheets.review", "invoicing.index"]
    assert "rota.open_shifts" not in running and "skillshare.index" not in running


def test_an_admin_who_is_not_a_coordinator_sees_only_their_own_pages():
    nav = nav_for(Person(("admin",)))
    assert nav.endpoints() == [
        "home.dashboard",
        "settings.index",
        "members.people",
        "auth.reading",
        "auth.change_password",
    ]


def test_nobody_signed_in_has_no_menu():
    assert not nav_for(Person((), is_authenticated=False))


def test_the_menu_on_a_page(app, session, make_web):
    from tests import factories

    factories.member(session, email="both@example.org", roles=("member", "coordinator"))
    web = make_web()
    web.login("both@example.org")
    html = web.get("/home").get_data(as_text=True)
    nav = html[html.index('<nav class="wrap site-nav"') : html.index("</nav>")]
    assert nav.count("<summary>Running the co-op</summary>") == 1
    assert nav.count(">Opportunities<") == 1 and nav.count(">Members' opportunities<") == 1
    assert 'rel="icon"' in html and web.get("/static/favicon.svg").status_code == 200
