"""The menu, by person: a member's everyday places first, the rest of their pages in one menu,
and "Running the co-op" as a section of its own for coordinators. Each page appears once."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from coop.i18n import N_


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


HOME = NavItem(N_("Home"), "home.dashboard")

# Per role: its everyday places (in view), then the rest (in its menu).
EVERYDAY: dict[str, list[NavItem]] = {
    "member": [
        NavItem(N_("Open shifts"), "rota.open_shifts"),
        NavItem(N_("My shifts"), "rota.my_shifts"),
        NavItem(N_("My hours"), "timesheets.mine"),
        NavItem(N_("My pay"), "pay.my_pay"),
    ],
    "client": [
        NavItem(N_("Bookings"), "bookings.client_bookings"),
        NavItem(N_("Book a service"), "bookings.client_request"),
        NavItem(N_("Confirm visits"), "timesheets.client_visits"),
        NavItem(N_("Invoices"), "invoicing.client_invoices"),
    ],
    "coordinator": [
        NavItem(N_("Bookings"), "bookings.queue"),
        NavItem(N_("Rota"), "rota.week"),
        NavItem(N_("Timesheets"), "timesheets.review"),
        NavItem(N_("Invoices"), "invoicing.index"),
    ],
}
MORE: dict[str, list[NavItem]] = {
    "member": [
        NavItem(N_("My limit"), "limits.my_limit"),
        NavItem(N_("My earnings"), "limits.my_earnings"),
        NavItem(N_("Availability"), "rota.availability"),
        NavItem(N_("Calendar"), "rota.my_calendar"),
        NavItem(N_("Have your say"), "governance.index"),
        NavItem(N_("Learn and teach"), "skillshare.index"),
        NavItem(N_("Opportunities"), "onward.opportunities_page"),
        NavItem(N_("Work record"), "onward.my_record"),
        NavItem(N_("Helpline calls"), "enquiries.helpline"),
        NavItem(N_("Pay rates"), "bookings.rates"),
        NavItem(N_("My profile"), "members.my_profile"),
        NavItem(N_("Notifications"), "notify.settings"),
    ],
    "coordinator": [
        NavItem(N_("Week grid"), "rota.week_grid"),
        NavItem(N_("Cover"), "cover.board"),
        NavItem(N_("Pay"), "pay.runs"),
        NavItem(N_("Bank statements"), "books.statements"),
        NavItem(N_("Clients"), "bookings.clients"),
        NavItem(N_("Services"), "bookings.services"),
        NavItem(N_("Businesses"), "businesses.index"),
        NavItem(N_("Quote requests"), "businesses.quote_list"),
        NavItem(N_("Members"), "members.directory"),
        NavItem(N_("Skills"), "members.skills"),
        NavItem(N_("Enquiries"), "enquiries.queue"),
        NavItem(N_("Record a call"), "enquiries.helpline"),
        NavItem(N_("Directory"), "directory.manage"),
        NavItem(N_("Members' opportunities"), "onward.interests"),
        NavItem(N_("Impact report"), "onward.impact_page"),
        NavItem(N_("Decisions"), "governance.decisions"),
        NavItem(N_("Learn and teach"), "skillshare.index"),
        NavItem(N_("Pay rates"), "bookings.rates"),
        NavItem(N_("Audit log"), "audit.log"),
        NavItem(N_("Notifications"), "notify.settings"),
    ],
    "admin": [NavItem(N_("Settings"), "settings.index"), NavItem(N_("People and roles"), "members.people")],
}
# Everyone's own account: the language and reading style they read the co-op in, their password.
ACCOUNT = [
    NavItem(N_("Language and reading"), "auth.reading"),
    NavItem(N_("Change your password"), "auth.change_password"),
]


def nav_for(user: Any) -> Nav:
    """The menu for this person: Home and the everyday places of their main role (member, else
    coordinator, else client); "More for you" with a member's other pages; "Running the co-op"
    with a coordinator's pages (all of them when they are also a member) and an admin's; "Your
    account" (language and reading, password) for everyone."""
    if not user.is_authenticated:
        return Nav()
    member, coordinator, client, admin = (
        user.has_role(r) for r in ("member", "coordinator", "client", "admin")
    )
    places, menus = [HOME], []
    if member:
        places += EVERYDAY["member"]
        menus.append(NavMenu(N_("More for you"), MORE["member"]))
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
        menus.append(NavMenu(N_("Running the co-op"), running))
    if client:
        if member or coordinator:
            menus.append(NavMenu(N_("Your business"), EVERYDAY["client"]))
        else:
            places += EVERYDAY["client"]
    menus.append(NavMenu(N_("Your account"), ACCOUNT))
    seen: set[str] = set()

    def once(items: list[NavItem]) -> list[NavItem]:
        out = [i for i in items if i.endpoint not in seen]
        seen.update(i.endpoint for i in out)
        return out

    places = once(places)
    kept = [NavMenu(m.title, items) for m in menus if (items := once(m.items))]
    return Nav(places, kept)
