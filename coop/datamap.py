"""The data map: what the co-op holds about people, declared next to each table.

Every table that can reach a person (a foreign key to a member, an account or a client contact,
a row belonging to such a row, or a column that holds a name, address, phone, note or message)
carries a `Personal` declaration in its area's models.py, made with `declare`. It says what the
table is for and how long it is kept (the record of processing in docs/SECURITY.md is made from
it), what erasing a member does to each personal column, and what their data download includes.
`coop.privacy` carries out erasure and the download from these declarations alone, and
`undeclared` (run by a test) names any table or column that reaches a person without one.

This module sits with the shared base: areas import it, and it imports no area.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Column, ColumnElement, MetaData, String, Table, Text, false, select

KEPT_AS_DECLARED = "the rows stay; each column as declared"
PEOPLE = ("member", "user_account", "client_contact")
# Column names that hold who someone is or what they wrote (in a table that reaches a person,
# every free-text column counts too).
PERSONAL_NAME = re.compile(
    r"(^|_)(name|email|phone|pronouns|address|note|notes|body|text|comment|reason|content|token|code|sent_to)$"
)


@dataclass(frozen=True)
class Rule:
    """What erasure does to one column, or to the person's rows of a table."""

    # "delete" (the rows go), "neutral" (the value is replaced), "keep", or "mentions": in every
    # row, not only theirs, their name is replaced with the placeholder where the text says it.
    action: str
    why: str = ""  # for "keep": the reason, said to people
    value: Any = None  # for "neutral": a value, or a function of the member's row giving one

    def describe(self) -> str:
        if self.action == "delete":
            return "deleted"
        if self.action == "neutral":
            return "replaced" + (f" ({self.why})" if self.why else "")
        if self.action == "mentions":
            return "their name replaced by the placeholder wherever it is written"
        return f"kept: {self.why}"


DELETE = Rule("delete")


def neutral(value: Any, why: str = "") -> Rule:
    return Rule("neutral", why, value)


def keep(why: str) -> Rule:
    return Rule("keep", why)


MENTIONS = Rule("mentions")
CHANGES = ("neutral", "mentions")  # the actions that change a kept row


@dataclass(frozen=True)
class Personal:
    """One table's declaration.

    `owner` says how a row leads to the person it is about: a column that refers to `member` or
    `user_account` (the member's account), or to another declared table with an owner (a help
    message belongs to an interest, which belongs to a member); "id" on the person tables
    themselves; "email" for rows found by the member's email address; "" when no member's
    erasure reaches it (a client contact's details, kept while the client is).
    """

    what: str  # what is held, in plain words
    why: str  # the purpose
    kept: str  # how long
    owner: str
    columns: Mapping[str, Rule] = field(default_factory=dict)
    rows: Rule = field(default_factory=lambda: keep(KEPT_AS_DECLARED))
    export: tuple[str, ...] = ()  # attribute paths in the member's download ("shift.starts_at")
    export_as: str = ""  # its key in the download
    purge: bool = False  # deleted six years after the erasure (financial records for HMRC)
    files: tuple[str, ...] = ()  # columns naming an uploaded file, deleted with the row at purge


def declare(target: Any, personal: Personal) -> None:
    """Attach the declaration to a model class or a Table (stored in the table's info)."""
    table: Table = target if isinstance(target, Table) else target.__table__
    table.info["personal"] = personal


def declaration(table: Table) -> Personal | None:
    found = table.info.get("personal")
    return found if isinstance(found, Personal) else None


def _person_fk(col: Column[Any]) -> bool:
    return any(fk.column.table.name in PEOPLE for fk in col.foreign_keys)


def _owned_fk(col: Column[Any]) -> bool:
    """A reference to a row that belongs to someone (its children are about them too)."""
    for fk in col.foreign_keys:
        d = declaration(fk.column.table)
        if d is not None and d.owner:
            return True
    return False


def personal_columns(table: Table) -> list[str]:
    """The columns of a table that reaches a person which must each have a rule."""
    out = []
    for col in table.columns:
        free_text = isinstance(col.type, Text)
        named = isinstance(col.type, String) and PERSONAL_NAME.search(col.name) is not None
        if _person_fk(col) or _owned_fk(col) or free_text or named:
            out.append(col.name)
    return out


def reaches_person(table: Table) -> bool:
    if table.name in PEOPLE:
        return True
    return any(_person_fk(c) or _owned_fk(c) or _identifying(c) for c in table.columns)


def _identifying(col: Column[Any]) -> bool:
    return re.search(r"(^|_)(email|phone|sent_to|to_address|person_name|display_name)$", col.name) is not None


def undeclared(metadata: MetaData) -> list[str]:
    """Each table that reaches a person with no declaration, and each personal column of a
    declared table with no rule ("table" or "table.column"); empty when the map is whole."""
    problems: list[str] = []
    for table in metadata.sorted_tables:
        d = declaration(table)
        if d is None:
            if reaches_person(table):
                problems.append(table.name)
            continue
        for name in personal_columns(table):
            if name not in d.columns:
                problems.append(f"{table.name}.{name}")
        for name in d.columns:
            if name not in table.columns:
                problems.append(f"{table.name}.{name} (declared, but no such column)")
    return problems


def declared(metadata: MetaData) -> Iterable[tuple[Table, Personal]]:
    for table in metadata.sorted_tables:
        d = declaration(table)
        if d is not None:
            yield table, d


def rows_of(
    table: Table, member_id: int, user_id: int, email: str, tables: Mapping[str, Table]
) -> ColumnElement[bool]:
    """A condition picking the rows of `table` that belong to this member (see Personal.owner)."""
    d = declaration(table)
    if d is None or not d.owner:
        return false()
    if d.owner == "email":
        return _email_column(table) == email
    col = table.c[d.owner]
    if d.owner == "id":
        return col == (member_id if table.name == "member" else user_id)
    (fk,) = col.foreign_keys
    target = fk.column.table
    if target.name == "member":
        return col == member_id
    if target.name == "user_account":
        return col == user_id
    parent = tables[target.name]
    return col.in_(select(parent.c.id).where(rows_of(parent, member_id, user_id, email, tables)))


def _email_column(table: Table) -> Column[Any]:
    return next(c for c in table.columns if _identifying(c))


def neutral_value(rule: Rule, row: Any) -> Any:
    """The value a neutral rule puts in this row (a function of the row's values, or a value)."""
    value = rule.value
    return value(row) if isinstance(value, Callable) else value  # type: ignore[arg-type]


# Reasons used by many tables.
ACTOR = keep("who did it; after an erasure the account is a placeholder with no details")
HMRC = "pay records: HMRC needs them for six years"
SIX_YEARS = "six years after an erasure (HMRC), then deleted; while a member, as long as they are one"
WHILE_MEMBER = "while they are a member; deleted or replaced when they ask for erasure"
CLIENTS = "the client's business record"
WHILE_CLIENT = "while the client works with the co-op"
ERASED_DOMAIN = "erased.invalid"


def placeholder_name(member_id: int) -> str:
    """What an erased member is called in the records kept."""
    return f"Former member {member_id}"


def record_of_processing(metadata: MetaData) -> str:
    """The record of processing (what is held, why, how long, what erasure does), as the
    Markdown table docs/SECURITY.md carries; `coop record-of-processing` prints it."""
    lines = [
        "| what we hold | why | how long | when a member asks for erasure |",
        "|---|---|---|---|",
    ]
    for table, d in sorted(declared(metadata), key=lambda td: td[0].name):
        replaced = [n.replace("_", " ") for n, r in d.columns.items() if r.action in CHANGES]
        if not d.owner:
            fate = "kept: not the member's own record; any account in it is the placeholder"
        elif d.rows.action == "delete":
            fate = "deleted"
        elif replaced:
            fate = "replaced: " + ", ".join(replaced)
        elif d.purge:
            fate = "kept under the placeholder for HMRC, deleted six years later"
        else:
            fate = "kept under the placeholder: " + (d.rows.why if d.rows.why != KEPT_AS_DECLARED else d.kept)
        lines.append(f"| {d.what} (`{table.name}`) | {d.why} | {d.kept} | {fate} |")
    return "\n".join(lines) + "\n"
