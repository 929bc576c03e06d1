"""Each business invoices its own work in its own gapless series, under the co-op's one legal
identity: one draft per client per business, numbers never shared or skipped under parallel
issue, `coop verify` checking every series."""

from pathlib import Path

from sqlalchemy import select

from coop.integrity.service import verify
from coop.invoicing import einvoice
from coop.invoicing import service as invoicing
from coop.invoicing.models import Invoice, NumberSequence
from coop.invoicing.rendering import invoice_html
from tests import factories
from tests.factories import approved_work, issue_draft, period, simple_html
from tests.parallel import run_parallel


def two_businesses_of_work(session, clients=1):
    gardens = factories.business(session, "Green Gardens", "GG-")
    hedges = factories.service(session, name=f"Hedges {gardens.id}", charge=3000, business_id=gardens.id)
    made = []
    for _ in range(clients):
        client = factories.client(session)
        approved_work(session, client, hours=2)  # the first business's cleaning
        approved_work(session, client, hours=1, service_=hedges)
        made.append(client)
    return gardens, made


def test_a_run_makes_one_draft_per_client_per_business_and_each_series_starts_at_one(app, session, tmp_path):
    gardens, [client] = two_businesses_of_work(session)
    drafts = invoicing.invoice_run(session, *period())
    assert sorted((d.client_id, d.business.name) for d in drafts) == [
        (client.id, "Co-op Works"),
        (client.id, "Green Gardens"),
    ]
    numbers = {d.business.name: issue_draft(session, d.id, tmp_path).number for d in drafts}
    assert numbers == {"Co-op Works": "CW-00001", "Green Gardens": "GG-00001"}
    [garden_invoice] = [d for d in drafts if d.business_id == gardens.id]
    with app.test_request_context():
        html = invoice_html(garden_invoice)
    assert "Green Gardens, a trading name of Co-op Works" in html
    assert "Registration number" in html and "High Street" in html
    xml = einvoice.cii_xml(garden_invoice).decode()
    assert "<ram:TradingBusinessName>Green Gardens</ram:TradingBusinessName>" in xml
    assert "<ram:Name>Co-op Works</ram:Name>" in xml  # the legal seller
    assert verify(session, tmp_path).problems == []


def test_a_lead_runs_only_their_business_and_the_other_series_continues_on_its_own(session, tmp_path):
    gardens, _clients = two_businesses_of_work(session)
    [mine] = invoicing.invoice_run(session, *period(), business_ids=[gardens.id])
    assert mine.business_id == gardens.id
    assert issue_draft(session, mine.id, tmp_path).number == "GG-00001"
    [rest] = invoicing.invoice_run(session, *period())  # the co-op's own work was left for its run
    assert rest.business.name == "Co-op Works"
    assert issue_draft(session, rest.id, tmp_path).number == "CW-00001"
    assert verify(session, tmp_path).problems == []


def issue_batch(session, invoice_ids, invoice_dir):
    from coop.timeutil import today_london

    invoicing.issue_many(
        session,
        invoice_ids,
        today=today_london(),
        render_html=simple_html,
        invoice_dir=Path(invoice_dir),
        actor_id=None,
        base_url="http://coop.test",
    )


def test_parallel_issue_across_two_series_is_gapless_in_each_and_never_deadlocks(db_url, session, tmp_path):
    gardens, _clients = two_businesses_of_work(session, clients=4)
    drafts = invoicing.invoice_run(session, *period())
    ours = [d.id for d in drafts if d.business_id != gardens.id]
    theirs = [d.id for d in drafts if d.business_id == gardens.id]
    assert len(ours) == len(theirs) == 4
    # Four issuers at once; two take both series in opposite orders (the lock order is the series').
    jobs = [
        ([ours[0], theirs[0]], str(tmp_path)),
        ([theirs[1], ours[1]], str(tmp_path)),
        ([ours[2]], str(tmp_path)),
        ([theirs[2]], str(tmp_path)),
        ([ours[3]], str(tmp_path)),
        ([theirs[3]], str(tmp_path)),
    ]
    results = run_parallel(db_url, issue_batch, jobs)
    assert [r for r in results if r[0] != "ok"] == []
    factories.fresh(session)
    for business_id, prefix in ((gardens.id, "GG-"), (gardens.id - 1, "CW-")):
        issued = session.execute(
            select(Invoice.sequence_number, Invoice.number).where(Invoice.business_id == business_id)
        ).all()
        assert sorted(n for n, _ in issued) == [1, 2, 3, 4]
        assert all(number == f"{prefix}{n:05d}" for n, number in issued)
    assert verify(session, tmp_path).problems == []


def test_verify_names_the_business_whose_series_has_a_gap(session, tmp_path):
    gardens, _ = two_businesses_of_work(session)
    for draft in invoicing.invoice_run(session, *period()):
        issue_draft(session, draft.id, tmp_path)
    session.get(NumberSequence, gardens.series).next_number = 5
    session.commit()
    problems = verify(session, tmp_path).problems
    assert problems == [
        "The Green Gardens invoice counter would give number 5 next, but 1 Green Gardens invoices have "
        "been issued (it should be 2)."
    ]
