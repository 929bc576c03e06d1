"""An existing co-op upgrades to businesses: its first business is named after it, keeps its
invoice prefix and series, and every service and invoice belongs to it."""

from __future__ import annotations

from typing import Any

from alembic import command
from sqlalchemy import create_engine, text
from sqlalchemy.pool import NullPool

from coop.migrate import alembic_config, upgrade


def test_existing_services_and_invoices_move_to_the_first_business_named_after_the_co_op(databases: Any):
    url = databases.create()
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"), poolclass=NullPool)
    try:
        command.downgrade(alembic_config(url), "0034")
        with engine.begin() as conn:
            for key, value in (("coop_name", '"Anytown Works"'), ("invoice_prefix", '"AW-"')):
                conn.execute(
                    text(
                        "INSERT INTO setting (key, effective_from, value, note, created_at) "
                        "VALUES (:k, '2024-01-01', :v, '', '2024-01-01 09:00:00')"
                    ),
                    {"k": key, "v": value},
                )
            conn.execute(text("INSERT INTO skill (name, description) VALUES ('Gardening', '')"))
            conn.execute(
                text(
                    "INSERT INTO service (name, description, skill_id, charge_pence_per_hour, "
                    "pay_pence_per_hour, vat_rate_bp, min_booking_minutes, involvement, active) "
                    "SELECT 'Lawns', '', id, 2500, 1400, 2000, 60, :f, :t FROM skill"
                ),
                {"f": False, "t": True},
            )
            conn.execute(
                text(
                    "INSERT INTO client (name, address, billing_email, payment_terms_days, invoice_grouping, "
                    "confirms_work, active, created_at, sector, wants_einvoice) VALUES ('Bakery', "
                    "'1 Lane', 'b@example.org', 14, 'shift', :f, :t, '2024-01-01 09:00:00', 'retail', :f)"
                ),
                {"f": False, "t": True},
            )
            conn.execute(
                text(
                    "INSERT INTO invoice (client_id, number, sequence_number, status, period_start, "
                    "period_end, note, issue_date, due_date, net_pence, vat_pence, gross_pence, "
                    "supplier_json, client_json, pdf_path, pdf_sha256, facturx_path, facturx_sha256, "
                    "content_sha256, created_at) "
                    "SELECT id, 'AW-00007', 7, 'issued', '2024-01-01', '2024-01-31', '', '2024-02-01', "
                    "'2024-02-15', 100, 0, 100, '{}', '{}', '', '', '', '', '', '2024-02-01 09:00:00' "
                    "FROM client"
                )
            )
            conn.execute(text("UPDATE number_sequence SET next_number = 8 WHERE name = 'invoice'"))
        upgrade(url)
        with engine.connect() as conn:
            (business,) = conn.execute(text("SELECT id, name, invoice_prefix, series FROM business")).all()
            assert business[1:] == ("Anytown Works", "AW-", "invoice")
            assert conn.execute(text("SELECT business_id FROM service")).scalars().all() == [business[0]]
            assert conn.execute(text("SELECT business_id, number FROM invoice")).all() == [
                (business[0], "AW-00007")
            ]
            assert (
                conn.execute(text("SELECT next_number FROM number_sequence WHERE name = 'invoice'")).scalar()
                == 8
            )
    finally:
        engine.dispose()
        databases.drop(url)
