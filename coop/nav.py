"""The menu, by person: a member's everyday places first, the rest of their pages in one menu,
and "Running the co-op" as a section of its own for coordinators. Each page appears once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str


@dataclass(frozen=True)
class NavMenu:
    title: str
    items: list[NavItem]


@dataclass(frozen=True)
class Nav:
    """`places`: the links always in view (Home and a role's everyday places); `menus`: the
    other pages, one menu per part of the person's life in the co-op (a details element, so it
    opens without JavaScript)."""

    places: list[NavItem] = field(default_factory=list)
    menus: list[NavMenu] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.places)

    def endpoints(self) -> list[str]:
        return [i.endpoint for i in self.places] + [i.endpoint for m in self.menus for i in m.items]


HOME = NavItem("Home", "home.dashboard")

# Per role: its everyday places (in view), then the rest (in its menu).
EVERYDAY: dict[str, list[NavItem]] = {
    "member": [
        NavItem("Open shifts", "rota.open_shifts"),
        NavItem("My shifts", "rota.my_shifts"),
        NavItem("My hours", "timesheets.mine"),
        NavItem("My pay", "pay.my_pay"),
    ],
    "client": [
        NavItem("Bookings", "bookings.client_bookings"),
        NavItem("Book a service", "bookings.client_request"),
        NavItem("Confirm visits", "timesheets.client_visits"),
        NavItem("Invoices", "invoicing.client_invoices"),
    ],
    "coordinator": [
        NavItem("Bookings", "bookings.queue"),
        NavItem("Rota", "rota.week"),
        NavItem("Timesheets", "timesheets.review"),
        NavItem("Invoices", "invoicing.index"),
    ],
}
MORE: dict[str, list[NavItem]] = {
    "member": [
        NavItem("My limit", "caps.my_limit"),
        NavItem("My earnings", "caps.my_earnings"),
        NavItem("Availability", "rota.availability"),
        NavItem("Calendar", "rota.my_calendar"),
        NavItem("Have your say", "governance.index"),
        NavItem("Learn and teach", "skillshare.index"),
        NavItem("Opportunities", "onward.opportunities_page"),
        NavItem("Work record", "onward.my_record"),
        NavItem("Helpline calls", "enquiries.helpline"),
        NavItem("Pay rates", "bookings.rates"),
        NavItem("My profile", "members.my_profile"),
        NavItem("Notifications", "notify.settings"),
    ],
    "coordinator": [
        NavItem("Week grid", "rota.week_grid"),
        NavItem("Cover", "cover.board"),
        NavItem("Pay", "pay.runs"),
        NavItem("Bank statements", "books.statements"),
        NavItem("Clients", "bookings.clients"),
        NavItem("Services", "bookings.services"),
        NavItem("Businesses", "businesses.index"),
        NavItem("Quote requests", "businesses.quote_list"),
        NavItem("Members", "members.directory"),
        NavItem("Skills", "members.skills"),
        NavItem("Enquiries", "enquiries.queue"),
        NavItem("Record a call", "enquiries.helpline"),
        NavItem("Directory", "directory.manage"),
        NavItem("Members' opportunities", "onward.interests"),
        NavItem("Impact report", "onward.impact_page"),
        NavItem("Decisions", "governance.decisions"),
        NavItem("Learn and teach", "skillshare.index"),
        NavItem("Pay rates", "bookings.rates"),
        NavItem("Audit log", "audit.log"),
        NavItem("Notifications", "notify.settings"),
    ],
    "admin": [NavItem("Settings", "settings.index"), NavItem("People and roles", "members.people")],
}


def nav_for(user: Any) -> Nav:
    """The menu for this person: Home and the everyday places of their main role (member, else
    coordinator, else client); "More for you" with a member's other pages; "Running the co-op"
    with a coordinator's pages (all of them when they are also a member) and an admin's."""
    if not user.is_authenticated:
        return Nav()
    member, coordinator, client, admin = (
        user.has_role(r) for r in ("member", "coordinator", "client", "admin")
    )
    places, menus = [HOME], []
    if member:
        places += EVERYDAY["member"]
        menus.append(NavMenu("More for you", MORE["member"]))
    running: list[NavItem] = []
    if coordinator:
        if member:
            running = EVERYDAY["coordinator"] + MORE["coordinator"]
        else:
            places += EVERYDAY["coordinator"]
            running = list(MORE["coordinator"])
    if admin:
        running += MORE["admin"]
    if running:
        menus.append(NavMenu("Running the co-op", running))
    if client:
        if member or coordinator:
            menus.append(NavMenu("Your business", EVERYDAY["client"]))
        else:
            places += EVERYDAY["client"]
    seen: set[str] = set()

    def once(items: list[NavItem]) -> list[NavItem]:
        out = [i for i in items if i.endpoint not in seen]
        seen.update(i.endpoint for i in out)
        return out

    places = once(places)
    kept = [NavMenu(m.title, items) for m in menus if (items := once(m.items))]
    return Nav(places, kept)
