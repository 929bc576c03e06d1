"""The audit log as coordinators read it: who (by name), what (a sentence naming what it was
about) and the details in words and pounds. Only declared, non-private fields are shown, so
an entry written before its event was declared shows no figures either."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.audit.events import EVENTS, Event, Kind, Subject
from coop.audit.models import AuditEntry
from coop.audit.service import recent
from coop.auth.models import ROLE_LABELS, User
from coop.bookings.models import Client, Service
from coop.businesses.models import Business
from coop.governance.models import Proposal, ProposalComment
from coop.i18n import N_
from coop.i18n import gettext as _
from coop.invoicing.models import Invoice
from coop.members.models import Member
from coop.money import format_pence, format_percent
from coop.pay.models import Expense, PayRun
from coop.settings.service import SPECS
from coop.timeutil import format_date

DAY = "d MMM y"
ROLES = {str(role): label for role, label in ROLE_LABELS.items()}
EXPORTS = {
    "invoices": N_("invoices"),
    "credit-notes": N_("credit notes"),
    "payments": N_("payments"),
    "journal": N_("the double-entry journal"),
}


@dataclass(frozen=True)
class Line:
    at: datetime
    who: str
    what: str
    details: list[str]


@dataclass(frozen=True)
class _Entry:
    row: AuditEntry
    event: Event | None
    before: dict[str, Any]
    after: dict[str, Any]

    def values(self, kind: Kind) -> Iterable[Any]:
        if self.event is not None:
            for name, f in self.event.fields.items():
                if f.kind == kind and not f.private:
                    yield from (v[name] for v in (self.before, self.after) if name in v)


def _is_id(value: Any) -> bool:
    text = str(value)
    return text.isascii() and text.isdigit() and int(text) < 2**31


def _ids(values: Iterable[Any]) -> set[int]:
    return {int(v) for v in values if _is_id(v)}


def _loads(raw: str) -> dict[str, Any]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


class _Names:
    """Every name one page of the log needs, read in one query per table (none when unused)."""

    def __init__(self, session: Session, entries: list[_Entry]) -> None:
        def about(*subjects: Subject) -> set[int]:
            return _ids(e.row.object_id for e in entries if e.event and e.event.subject in subjects)

        def fields(kind: Kind) -> set[int]:
            return _ids(v for e in entries for v in e.values(kind))

        def named(ids: set[int], stmt: Any, key: Any) -> list[Any]:
            return list(session.execute(stmt.where(key.in_(ids)))) if ids else []

        users = _ids(e.row.actor_id for e in entries) | about(Subject.USER)
        by_user = select(User.id, User.email, Member.display_name).outerjoin(
            Member, Member.user_id == User.id
        )
        self.users = {uid: name or email for uid, email, name in named(users, by_user, User.id)}
        members = about(Subject.MEMBER) | fields(Kind.MEMBER)
        rows = named(members, select(Member.id, Member.display_name), Member.id)
        self.members: dict[int, str] = {mid: name for mid, name in rows}
        by_comment = select(ProposalComment.id, Member.display_name).join(ProposalComment.member)
        rows = named(fields(Kind.COMMENT), by_comment, ProposalComment.id)
        self.comments: dict[int, str] = {cid: name for cid, name in rows}
        by_expense = select(Expense.id, Expense.kind, Member.display_name).join(Expense.member)
        rows = named(about(Subject.EXPENSE), by_expense, Expense.id)
        self.expenses = {
            xid: _("the %(kind)s expense of %(name)s", kind=kind, name=name) for xid, kind, name in rows
        }
        proposals = about(Subject.PROPOSAL) | fields(Kind.PROPOSAL)
        rows = named(proposals, select(Proposal.id, Proposal.title), Proposal.id)
        self.proposals: dict[int, str] = {pid: title for pid, title in rows}
        rows = named(about(Subject.SERVICE), select(Service.id, Service.name), Service.id)
        self.services: dict[int, str] = {sid: name for sid, name in rows}
        rows = named(about(Subject.BUSINESS), select(Business.id, Business.name), Business.id)
        self.businesses: dict[int, str] = {bid: name for bid, name in rows}
        by_invoice = select(Invoice.id, Invoice.number, Client.name).join(Invoice.client)
        rows = named(about(Subject.INVOICE_BY_ID), by_invoice, Invoice.id)
        self.invoices = {iid: (number, client) for iid, number, client in rows}
        by_run = select(PayRun.id, PayRun.period_start, PayRun.period_end)
        rows = named(about(Subject.PAY_RUN), by_run, PayRun.id)
        self.pay_runs = {
            rid: _("the pay run for %(period)s", period=_period(start, end)) for rid, start, end in rows
        }

    def of(self, table: dict[int, str], key: Any, missing: str) -> str:
        return table.get(int(key), missing) if _is_id(key) else missing


def _period(start: date, end: date) -> str:
    return _("%(first)s to %(last)s", first=format_date(start, DAY), last=format_date(end, DAY))


def _period_text(value: str) -> str:
    start, _, end = value.partition("..")
    try:
        return _period(date.fromisoformat(start), date.fromisoformat(end))
    except ValueError:
        return value


def _object_name(names: _Names, subject: Subject, key: str) -> str:
    if subject == Subject.MEMBER:
        return names.of(names.members, key, _("a member no longer on record"))
    if subject == Subject.USER:
        return names.of(names.users, key, _("an account no longer on record"))
    if subject == Subject.INVOICE:
        return _("invoice %(number)s", number=key)
    if subject == Subject.INVOICE_BY_ID:
        number, client = names.invoices.get(int(key), (None, "")) if _is_id(key) else (None, "")
        if number:
            return _("invoice %(number)s", number=number)
        return _("a draft invoice for %(client)s", client=client) if client else _("a draft invoice")
    if subject == Subject.INVOICE_RUN:
        return _period_text(key)
    if subject == Subject.PAY_RUN:
        return names.of(names.pay_runs, key, _("a pay run"))
    if subject == Subject.EXPENSE:
        return names.of(names.expenses, key, _("an expense"))
    if subject == Subject.PROPOSAL:
        return _("the proposal “%(title)s”", title=names.of(names.proposals, key, _("no longer on record")))
    if subject == Subject.SERVICE:
        return _("the service %(name)s", name=names.of(names.services, key, _("no longer on record")))
    if subject == Subject.BANK_LINE:
        return _("bank payment %(number)s", number=key)
    if subject == Subject.BUSINESS:
        return _("the business %(name)s", name=names.of(names.businesses, key, _("no longer on record")))
    if subject == Subject.SETTING:
        spec = SPECS.get(key)
        return f"“{spec.title}”" if spec else _("no longer in use")
    return _(EXPORTS[key]) if key in EXPORTS else _("accounts")


def _value(names: _Names, kind: Kind, value: Any, key: str) -> str:
    if kind == Kind.PENCE and isinstance(value, int):
        return format_pence(value)
    if kind == Kind.BASIS_POINTS and isinstance(value, int):
        return format_percent(Decimal(value) / 100)
    if kind == Kind.DATE:
        try:
            return format_date(date.fromisoformat(str(value)), DAY)
        except ValueError:
            return str(value)
    if kind == Kind.PERIOD:
        return _period_text(str(value))
    if kind == Kind.ROLES and isinstance(value, list):
        return ", ".join(_(ROLES[str(r)]) if str(r) in ROLES else str(r) for r in value) or _("none")
    if kind == Kind.MEMBER:
        return names.of(names.members, value, _("a member no longer on record"))
    if kind == Kind.PROPOSAL:
        gone = _("no longer on record")
        return f"“{names.of(names.proposals, value, gone)}”"
    if kind == Kind.COMMENT:
        return _("by %(name)s", name=names.of(names.comments, value, _("someone")))
    if kind == Kind.INVOICE:
        return _("a refund to the client") if value == "refund" else str(value)
    if kind == Kind.SETTING_VALUE:
        spec = SPECS.get(key)
        if spec is not None and spec.kind == "pence" and isinstance(value, int):
            return format_pence(value)
        if isinstance(value, bool):
            return _("yes") if value else _("no")
        if spec is not None and spec.kind == "percent":
            return format_percent(value)
    return str(value)


def _details(names: _Names, e: _Entry) -> list[str]:
    if e.event is None:
        return []
    out = []
    for name, f in e.event.fields.items():
        if f.private:
            continue
        shown = {
            k: _value(names, f.kind, v[name], e.row.object_id)
            for k, v in (("b", e.before), ("a", e.after))
            if name in v
        }
        if "b" in shown and "a" in shown:
            out.append(
                _("%(field)s: %(before)s → %(after)s", field=_(f.label), before=shown["b"], after=shown["a"])
            )
        elif "a" in shown:
            out.append(_("%(field)s: %(value)s", field=_(f.label), value=shown["a"]))
        elif "b" in shown:
            out.append(_("%(field)s: %(value)s", field=_(f.label), value=shown["b"]))
    return out


def log_page(session: Session, *, limit: int = 50, offset: int = 0) -> list[Line]:
    """One page of the log, newest first, in words."""
    entries = [
        _Entry(row, EVENTS.get(row.action), _loads(row.before), _loads(row.after))
        for row in recent(session, limit=limit, offset=offset)
    ]
    names = _Names(session, entries)
    lines = []
    for e in entries:
        who = (
            names.users.get(e.row.actor_id, _("someone no longer on record"))
            if e.row.actor_id
            else _("Automatic")
        )
        if e.event is None:
            what = _("Logged “%(action)s”", action=e.row.action)
        else:
            what = _(e.event.sentence).replace(
                "{object}", _object_name(names, e.event.subject, e.row.object_id)
            )
            what = what[0].upper() + what[1:]
        lines.append(Line(e.row.at, who, what, _details(names, e)))
    return lines
