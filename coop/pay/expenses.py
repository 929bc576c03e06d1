"""Expenses: a member claims with a receipt (checked to be the image or PDF it says it is), a
coordinator approves or declines; approved ones are paid in the next pay run, never as earnings."""

from __future__ import annotations

import io
import secrets
import warnings
from datetime import date, timedelta
from pathlib import Path

from PIL import Image
from pypdf import PdfReader
from pypdf.errors import PyPdfError
from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.audit.service import record
from coop.db import lock, write_transaction
from coop.errors import DomainError, NotFound
from coop.i18n import gettext as _
from coop.members.models import Member
from coop.owner_files import private_dir, write_private
from coop.pay.models import Expense, ExpenseKind, ExpenseStatus

MAX_RECEIPT_BYTES = 5 * 1024 * 1024


RECEIPT_TYPES = {  # magic bytes -> (extension, media type)
    b"\x89PNG\r\n\x1a\n": (".png", "image/png"),
    b"\xff\xd8\xff": (".jpg", "image/jpeg"),
    b"%PDF-": (".pdf", "application/pdf"),
}


def receipt_kind(data: bytes) -> tuple[str, str]:
    """The file's real type: PNG, JPEG or PDF only, and only if it decodes as one (a file that
    merely starts like a picture is refused). Not its name, nor its first bytes alone."""
    for magic, kind in RECEIPT_TYPES.items():
        if data.startswith(magic) and _decodes(data, kind[0]):
            return kind
    raise DomainError(_("The receipt must be a photo (JPEG or PNG) or a PDF."), field="receipt")


def _decodes(data: bytes, extension: str) -> bool:

    try:
        if extension == ".pdf":
            return len(PdfReader(io.BytesIO(data), strict=True).pages) > 0
        expected = {".png": "PNG", ".jpg": "JPEG"}[extension]
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format != expected:
                    return False
                image.verify()  # the structure and checksums
            with Image.open(io.BytesIO(data)) as image:
                image.load()  # every pixel decodes
        return True
    except (
        OSError,
        SyntaxError,
        ValueError,
        PyPdfError,
        Image.DecompressionBombWarning,
        Image.DecompressionBombError,
    ):
        return False


def claim_expense(
    session: Session,
    member: Member,
    *,
    kind: str,
    spent_on: date,
    description: str,
    amount_pence: int,
    receipt: bytes | None,
    upload_dir: Path,
    today: date,
) -> Expense:
    if kind not in set(ExpenseKind):
        raise DomainError(_("Choose travel or materials."), field="kind")
    if not 1 <= amount_pence <= 100_000:
        raise DomainError(_("Enter an amount between 1p and £1,000."), field="amount")
    if spent_on > today or spent_on < today - timedelta(days=366):
        raise DomainError(_("Choose a date in the last year."), field="spent_on")
    if not description.strip():
        raise DomainError(_("Say what it was for."), field="description")
    path = media = ""
    if receipt:
        if len(receipt) > MAX_RECEIPT_BYTES:
            raise DomainError(_("The receipt must be 5 MB or smaller."), field="receipt")
        ext, media = receipt_kind(receipt)
        folder = upload_dir / "receipts"
        private_dir(folder)
        path = f"receipts/{secrets.token_hex(16)}{ext}"
        write_private(upload_dir / path, receipt)
    with write_transaction(session):
        expense = Expense(
            member_id=member.id,
            kind=kind,
            spent_on=spent_on,
            description=description.strip()[:500],
            amount_pence=amount_pence,
            receipt_path=path,
            receipt_type=media,
        )
        session.add(expense)
    return expense


def get_expense(session: Session, expense_id: int, *, member_id: int | None = None) -> Expense:
    """An expense; with member_id, someone else's is NotFound."""
    expense = session.get(Expense, expense_id)
    if expense is None or (member_id is not None and expense.member_id != member_id):
        raise NotFound("No such expense.")
    return expense


def decide_expense(session: Session, expense: Expense, *, approve: bool, note: str, actor_id: int) -> None:
    expense_id = expense.id
    with write_transaction(session):
        _decide_expense(session, expense_id, approve=approve, note=note, actor_id=actor_id)


def _decide_expense(session: Session, expense_id: int, *, approve: bool, note: str, actor_id: int) -> None:
    expense = lock(session, Expense, expense_id)
    if expense is None:
        raise DomainError(_("This expense no longer exists."))
    if expense.status != ExpenseStatus.SUBMITTED:
        raise DomainError(
            _("This expense has already been approved.")
            if expense.status == ExpenseStatus.APPROVED
            else _("This expense has already been rejected.")
        )
    expense.status = "approved" if approve else "rejected"
    expense.decision_note = note.strip()[:500]
    expense.decided_by_id = actor_id
    record(
        session,
        actor_id,
        f"expense.{expense.status}",
        ("expense", expense.id),
        {},
        {"amount_pence": expense.amount_pence, "member_id": expense.member_id},
    )


def expenses_for(session: Session, member: Member) -> list[Expense]:
    return list(
        session.scalars(
            select(Expense).where(Expense.member_id == member.id).order_by(Expense.spent_on.desc()).limit(100)
        )
    )


def expenses_waiting(session: Session) -> list[Expense]:
    return list(
        session.scalars(
            select(Expense).where(Expense.status == ExpenseStatus.SUBMITTED).order_by(Expense.created_at)
        )
    )
