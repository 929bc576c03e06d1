"""The invoicing area's operations in one place, for views, the CLI and tests; each lives in the
module named for what it holds (runs, drafts, issuing, money_in, reports, reminders)."""

from __future__ import annotations

from coop.invoicing.drafts import (  # noqa: F401
    add_discount,
    add_line,
    delete_draft,
    get_invoice,
    locked_draft,
    locked_issued,
    remove_line,
    retotal,
    set_note,
)
from coop.invoicing.issuing import (  # noqa: F401
    DAY,
    RenderHtml,
    TamperedError,
    content_fingerprint,
    credit_fingerprint,
    issue,
    issue_many,
    next_number,
    read_pdf,
    supplier_details,
    write_file,
)
from coop.invoicing.money_in import (  # noqa: F401
    PAYMENT_METHODS,
    balance_pence,
    check_payment,
    client_credit,
    credit_note,
    credited_pence,
    display_status,
    get_credit_note,
    paid_pence,
    record_payment,
    record_payment_within,
    reverse_payment,
    use_credit,
)
from coop.invoicing.reminders import (  # noqa: F401
    remind_now,
    send_reminders,
)
from coop.invoicing.reports import (  # noqa: F401
    STATUSES,
    DebtorRow,
    aged_debtors,
    export_credit_notes,
    export_csv,
    export_invoices,
    export_payments,
    list_invoices,
    overdue,
    overdue_count,
)
from coop.invoicing.runs import (  # noqa: F401
    invoice_run,
    pending_clients,
)
