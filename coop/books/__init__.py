"""Money to and from the books: bank statements read and reconciled with invoices, the
accountant's double-entry journal, and client statements."""
