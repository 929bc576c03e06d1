"""Every kind of audit entry, declared once: what it is about, the sentence coordinators read,
and the fields it may record, each with a kind. `audit.record` refuses anything not declared
here, so a new feature cannot log something nobody decided to log.

The audit log is open to every coordinator and can never be changed or erased (the database
refuses it), so a member's own money and limits never go into it: a field marked `private`
(a member's pay, correction, share, expense, or how a share was split) may be passed to
`record` but is dropped before the entry is written. The figure stays only in the member's own
pay records, which erasure and the retention rules reach. An event about a member, their pay
or their expenses may not declare a visible amount in pounds: the module refuses to load.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from coop.i18n import N_


class Kind(StrEnum):
    TEXT = "text"
    PENCE = "pence"  # integer pence, shown in pounds
    COUNT = "count"
    BASIS_POINTS = "basis_points"  # hundredths of a percent, shown as a percentage
    DATE = "date"  # a date, or its ISO text
    PERIOD = "period"  # "YYYY-MM-DD..YYYY-MM-DD"
    ROLES = "roles"  # a list of role names
    MEMBER = "member"  # a member's id, shown as their name
    PROPOSAL = "proposal"  # a proposal's id, shown as its title
    COMMENT = "comment"  # a proposal comment's id, shown as whose comment it was
    INVOICE = "invoice"  # an invoice or credit note number (or "refund")
    SETTING_VALUE = "setting_value"  # a setting's value, shown by the setting's own kind


class Subject(StrEnum):
    """What an entry is about, and how its stored object id is read."""

    MEMBER = "member"  # Member.id
    USER = "user"  # User.id
    INVOICE = "invoice"  # Invoice.number
    INVOICE_BY_ID = "invoice_by_id"  # Invoice.id (stored as object type "invoice")
    INVOICE_RUN = "invoice_run"  # the period, "YYYY-MM-DD..YYYY-MM-DD"
    PAY_RUN = "pay_run"  # PayRun.id
    EXPENSE = "expense"  # Expense.id
    PROPOSAL = "proposal"  # Proposal.id
    SERVICE = "service"  # Service.id
    BUSINESS = "business"  # Business.id
    SETTING = "setting"  # the setting's key
    EXPORT = "export"  # the export's kind
    BANK_LINE = "bank_line"  # BankLine.id (money into the bank account)


# The object type stored in the row for each subject (what `record` is passed).
STORED_TYPE = {s: s.value for s in Subject} | {Subject.INVOICE_BY_ID: "invoice"}

# Events about these are about a member's own money: no amount in pounds may be shown.
MEMBER_MONEY_SUBJECTS = frozenset({Subject.MEMBER, Subject.USER, Subject.PAY_RUN, Subject.EXPENSE})


@dataclass(frozen=True)
class Field:
    label: str
    kind: Kind
    private: bool = False  # a member's own money or limit: never written to the log


@dataclass(frozen=True)
class Event:
    action: str
    subject: Subject
    sentence: str  # "{object}" is replaced by the name of what it is about
    fields: dict[str, Field] = field(default_factory=dict)

    @property
    def object_type(self) -> str:
        return STORED_TYPE[self.subject]


class AuditShapeError(ValueError):
    """A programming error: an entry that does not match its declaration."""


def _private(label: str, kind: Kind = Kind.PENCE) -> Field:
    return Field(label, kind, private=True)


_ROLES = {"roles": Field(N_("Roles"), Kind.ROLES)}

_EVENT_LIST = [
    # People and permissions
    Event("roles.change", Subject.USER, N_("Changed the roles of {object}"), _ROLES),
    Event(
        "roles.elected",
        Subject.USER,
        N_("{object} became a coordinator by the members' vote"),
        _ROLES | {"proposal": Field(N_("Proposal"), Kind.PROPOSAL)},
    ),
    Event(
        "cap.set_by_coordinator", Subject.MEMBER, N_("Set the earnings limit of {object}, at their request")
    ),
    Event(
        "cap.removed_by_coordinator",
        Subject.MEMBER,
        N_("Removed the earnings limit of {object}, at their request"),
    ),
    Event("reference.written", Subject.MEMBER, N_("Wrote a reference for {object}")),
    Event("export.member_data", Subject.MEMBER, N_("Downloaded the data the co-op holds about {object}")),
    Event("erasure.requested", Subject.MEMBER, N_("Asked for the details of {object} to be erased")),
    Event("erasure.withdrawn", Subject.MEMBER, N_("Withdrew the request to erase the details of {object}")),
    Event(
        "erasure.carried_out",
        Subject.MEMBER,
        N_("Erased the details of {object}"),
        {
            "released_shifts": Field(N_("Shifts given back to the rota"), Kind.COUNT),
            "financial_records_kept_until": Field(N_("Pay records kept until"), Kind.DATE),
        },
    ),
    Event(
        "erasure.records_purged",
        Subject.MEMBER,
        N_("Deleted the kept pay records of {object} (six years passed)"),
    ),
    # Members' pay: who did what and when, never how much
    Event(
        "pay.adjustment",
        Subject.MEMBER,
        N_("Added a pay correction for {object}"),
        {
            "amount_pence": _private(N_("Amount")),
            "reason": _private(N_("Reason"), Kind.TEXT),
            "pay_on": _private(N_("Pay day"), Kind.DATE),
        },
    ),
    Event(
        "surplus.taken",
        Subject.MEMBER,
        N_("{object} chose how to take their surplus share"),
        {"pence": _private(N_("Amount")), "pay_days": _private(N_("Pay days"), Kind.COUNT)},
    ),
    *(
        Event(
            f"expense.{status}",
            Subject.EXPENSE,
            f"{status.capitalize()} {{object}}",
            {"amount_pence": _private(N_("Amount")), "member_id": Field(N_("Member"), Kind.MEMBER)},
        )
        for status in ("approved", "rejected")
    ),
    Event(
        "payrun.finalise",
        Subject.PAY_RUN,
        N_("Finalised {object}"),
        {
            "period": Field(N_("Period"), Kind.PERIOD),
            "statements": Field(N_("Pay statements"), Kind.COUNT),
            "total_pence": _private(N_("Total pay")),
        },
    ),
    Event(
        "payrun.delete_draft",
        Subject.PAY_RUN,
        N_("Deleted {object}, a draft"),
        {"period": Field(N_("Period"), Kind.PERIOD)},
    ),
    Event("export.payroll_csv", Subject.PAY_RUN, N_("Downloaded the payroll file of {object}")),
    # The co-op's own money and settings
    Event(
        "surplus.shared",
        Subject.PROPOSAL,
        N_("Shared the surplus decided by {object}"),
        {"pence": Field(N_("Surplus"), Kind.PENCE), "members": Field(N_("Members sharing it"), Kind.COUNT)},
    ),
    Event(
        "comment.hidden",
        Subject.PROPOSAL,
        N_("Hid a comment on {object}"),
        {"comment": Field(N_("Comment"), Kind.COMMENT)},
    ),
    Event(
        "service.rates",
        Subject.SERVICE,
        N_("Changed the rates of {object}"),
        {
            "charge_pence_per_hour": Field(N_("Client charge an hour"), Kind.PENCE),
            "pay_pence_per_hour": Field(N_("Member pay an hour"), Kind.PENCE),
            "vat_rate_bp": Field(N_("VAT rate"), Kind.BASIS_POINTS),
        },
    ),
    Event(
        "setting.change",
        Subject.SETTING,
        N_("Changed the setting {object}"),
        {"value": Field(N_("Value"), Kind.SETTING_VALUE), "effective_from": Field(N_("From"), Kind.DATE)},
    ),
    # Clients' invoices
    Event(
        "invoice.run",
        Subject.INVOICE_RUN,
        N_("Made draft invoices for {object}"),
        {"drafts": Field(N_("Drafts"), Kind.COUNT), "net_pence": Field(N_("Net total"), Kind.PENCE)},
    ),
    Event(
        "invoice.delete_draft",
        Subject.INVOICE_BY_ID,
        N_("Deleted {object}"),
        {"net_pence": Field(N_("Net total"), Kind.PENCE), "client": Field(N_("Client"), Kind.TEXT)},
    ),
    Event(
        "invoice.issue",
        Subject.INVOICE,
        N_("Issued {object}"),
        {"gross_pence": Field(N_("Total"), Kind.PENCE), "client": Field(N_("Client"), Kind.TEXT)},
    ),
    Event(
        "invoice.payment",
        Subject.INVOICE,
        N_("Recorded a payment on {object}"),
        {
            "balance_pence": Field(N_("Left to pay"), Kind.PENCE),
            "amount_pence": Field(N_("Payment"), Kind.PENCE),
        },
    ),
    Event(
        "invoice.payment_reversed",
        Subject.INVOICE,
        N_("Reversed a payment on {object}"),
        {
            "balance_pence": Field(N_("Left to pay"), Kind.PENCE),
            "amount_pence": Field(N_("Payment"), Kind.PENCE),
            "reason": Field(N_("Reason"), Kind.TEXT),
        },
    ),
    *(
        Event(
            f"invoice.credit_{kind}",
            Subject.INVOICE,
            sentence,
            {
                "credit_pence": Field(N_("Client's credit"), Kind.PENCE),
                "amount_pence": Field(N_("Amount"), Kind.PENCE),
                "to": Field(N_("To"), Kind.INVOICE),
            },
        )
        for kind, sentence in (
            ("applied", N_("Applied the client's credit on {object} to another invoice")),
            ("refunded", N_("Refunded the client's credit on {object}")),
        )
    ),
    Event(
        "invoice.credit_note",
        Subject.INVOICE,
        N_("Issued a credit note against {object}"),
        {
            "credit_note": Field(N_("Credit note"), Kind.INVOICE),
            "gross_pence": Field(N_("Total"), Kind.PENCE),
        },
    ),
    Event("invoice.reminder", Subject.INVOICE, N_("Sent a payment reminder for {object}")),
    Event(
        "invoice.links_revoked",
        Subject.INVOICE_BY_ID,
        N_("Turned off the invoice links of {object}"),
        {"links": Field(N_("Links turned off"), Kind.COUNT)},
    ),
    Event(
        "books.line_confirmed",
        Subject.BANK_LINE,
        N_("Matched {object} to invoices"),
        {
            "amount_pence": Field(N_("Received"), Kind.PENCE),
            "payments": Field(N_("Payments recorded"), Kind.COUNT),
        },
    ),
    Event(
        "books.line_set_aside",
        Subject.BANK_LINE,
        N_("Set aside {object} as not a client's payment"),
        {"amount_pence": Field(N_("Received"), Kind.PENCE)},
    ),
    Event(
        "business.saved",
        Subject.BUSINESS,
        N_("Saved the details of {object}"),
        {
            "name": Field(N_("Name"), Kind.TEXT),
            "invoice_prefix": Field(N_("Invoice number prefix"), Kind.TEXT),
        },
    ),
    Event(
        "business.leads",
        Subject.BUSINESS,
        N_("Changed who leads {object}"),
        {"leads": Field(N_("Leads"), Kind.COUNT)},
    ),
    *(
        Event(f"export.{kind}", Subject.EXPORT, N_("Downloaded the accountant's file of {object}"))
        for kind in ("invoices", "credit-notes", "payments", "journal")
    ),
]

EVENTS: dict[str, Event] = {e.action: e for e in _EVENT_LIST}


def check_declarations(declared: list[Event]) -> None:
    """Raises AuditShapeError for an action declared twice, a sentence that does not name what
    it is about, or a member's money declared as a field coordinators would read."""
    if len({e.action for e in declared}) != len(declared):
        raise AuditShapeError("An audit event is declared twice.")
    for event in declared:
        if "{object}" not in event.sentence:
            raise AuditShapeError(f"{event.action}: its sentence must name what it is about.")
        for name, f in event.fields.items():
            if event.subject in MEMBER_MONEY_SUBJECTS and f.kind == Kind.PENCE and not f.private:
                raise AuditShapeError(f"{event.action}.{name}: a member's money must be private.")


check_declarations(_EVENT_LIST)


def _is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_date(v: Any) -> bool:
    if isinstance(v, date):
        return True
    try:
        date.fromisoformat(v)
    except (TypeError, ValueError):
        return False
    return True


_FITS = {
    Kind.TEXT: lambda v: isinstance(v, str),
    Kind.PENCE: _is_int,
    Kind.COUNT: _is_int,
    Kind.BASIS_POINTS: _is_int,
    Kind.DATE: _is_date,
    Kind.PERIOD: lambda v: (
        isinstance(v, str) and all(_is_date(d) for d in v.split("..")) and v.count("..") == 1
    ),
    Kind.ROLES: lambda v: isinstance(v, list | tuple) and all(isinstance(r, str) for r in v),
    Kind.MEMBER: _is_int,
    Kind.PROPOSAL: _is_int,
    Kind.COMMENT: _is_int,
    Kind.INVOICE: lambda v: isinstance(v, str),
    Kind.SETTING_VALUE: lambda v: v is None or isinstance(v, str | int | float | bool),
}


def shaped(event: Event, values: dict[str, Any] | None) -> dict[str, Any]:
    """The values as they may be written: checked against the declaration, private ones dropped.
    Raises AuditShapeError for a field the event does not declare or a value of the wrong kind."""
    out: dict[str, Any] = {}
    for name, value in (values or {}).items():
        declared = event.fields.get(name)
        if declared is None:
            raise AuditShapeError(f"{event.action} does not declare the field {name!r}.")
        if not _FITS[declared.kind](value):
            raise AuditShapeError(f"{event.action}.{name} must be {declared.kind.value}, not {value!r}.")
        if not declared.private:
            out[name] = value.isoformat() if isinstance(value, date) else value
    return out
