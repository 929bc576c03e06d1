"""Audit entries have a declared shape (issue 33, problem 3): `record` refuses what is not
declared, a member's own money is never written, and coordinators read names, sentences and
pounds instead of ids, JSON and pence."""

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from coop.audit import events
from coop.audit.events import EVENTS, AuditShapeError, Event, Field, Kind, Subject
from coop.audit.models import AuditEntry
from coop.audit.service import record
from coop.governance.models import ProposalComment
from coop.invoicing.models import Invoice
from coop.limits.setting import LIMIT_ACTIONS
from coop.money import format_pence, plain_pounds
from coop.pay.models import Expense, PayAdjustment, PayRun
from coop.timeutil import today_london
from tests import factories
from tests.factories import fresh, limit, shown

# A member's figures, as distinctive as a real one would be: none may reach the coordinator.
MEMBER_PENCE = 81_333
MEMBER_COUNT = 4_817
MEMBER_TEXT = "PRIVATE-NOTE-about-Robin"
MEMBER_DAY = date(2031, 7, 19)


def _forms_of_pence(pence: int) -> list[str]:
    return [str(pence), f"{pence:,}", plain_pounds(pence), format_pence(pence)]


MEMBER_FIGURES = [
    *_forms_of_pence(MEMBER_PENCE),
    str(MEMBER_COUNT),
    f"{MEMBER_COUNT:,}",
    MEMBER_TEXT,
    MEMBER_DAY.isoformat(),
    f"{MEMBER_DAY:%-d %b %Y}",
    "2031",
]


def _sample(kind: Kind, private: bool, ids: dict[str, int]):
    if private:
        return {
            Kind.PENCE: MEMBER_PENCE,
            Kind.COUNT: MEMBER_COUNT,
            Kind.TEXT: MEMBER_TEXT,
            Kind.DATE: MEMBER_DAY.isoformat(),
        }[kind]
    return {
        Kind.TEXT: "Acme Gardens",
        Kind.PENCE: 12_345,
        Kind.COUNT: 3,
        Kind.BASIS_POINTS: 2000,
        Kind.DATE: "2026-04-06",
        Kind.PERIOD: "2026-03-01..2026-03-31",
        Kind.ROLES: ["member", "coordinator"],
        Kind.MEMBER: ids["member"],
        Kind.PROPOSAL: ids["proposal"],
        Kind.COMMENT: ids["comment"],
        Kind.INVOICE: "CN-0007",
        Kind.SETTING_VALUE: 1345,
    }[kind]


def _objects(session):
    """One real thing of each kind an entry can be about."""
    robin = factories.member(session, name="Robin Ash")
    proposal = factories.proposal(session, robin, title="Buy a van")
    comment = ProposalComment(proposal_id=proposal.id, member_id=robin.id, body="Yes please")
    client = factories.client(session, name="Acme Gardens")
    draft = Invoice(client_id=client.id, period_start=date(2026, 3, 1), period_end=date(2026, 3, 31))
    run = PayRun(period_start=date(2026, 3, 1), period_end=date(2026, 3, 31), pay_date=date(2026, 4, 6))
    expense = Expense(
        member_id=robin.id,
        kind="travel",
        spent_on=date(2026, 3, 2),
        description="Bus",
        amount_pence=MEMBER_PENCE,
    )
    session.add_all([comment, draft, run, expense])
    service = factories.service(session, name="Gardening")
    session.commit()
    ids = {"member": robin.id, "proposal": proposal.id, "comment": comment.id}
    about = {
        Subject.MEMBER: robin.id,
        Subject.USER: robin.user_id,
        Subject.INVOICE: "CW-00012",
        Subject.INVOICE_BY_ID: draft.id,
        Subject.INVOICE_RUN: "2026-03-01..2026-03-31",
        Subject.PAY_RUN: run.id,
        Subject.EXPENSE: expense.id,
        Subject.PROPOSAL: proposal.id,
        Subject.SERVICE: service.id,
        Subject.SETTING: "pay_floor_pence",
        Subject.BANK_LINE: 7,
        Subject.BUSINESS: service.business_id,
    }
    return ids, about


def _write_every_event(session, actor_id, objects=None):
    ids, about = objects or _objects(session)
    for event in EVENTS.values():
        key = event.action.split(".", 1)[1] if event.subject == Subject.EXPORT else about[event.subject]
        values = {name: _sample(f.kind, f.private, ids) for name, f in event.fields.items()}
        record(session, actor_id, event.action, (event.object_type, key), values, values)
    session.commit()
    return ids, about


def test_every_event_type_is_written_and_no_member_money_reaches_the_coordinators_page(web, session):
    casey = factories.member(
        session, name="Casey Cole", email="casey@example.org", roles=("member", "coordinator")
    )
    _write_every_event(session, casey.user_id)
    rows = session.scalars(select(AuditEntry)).all()
    assert {r.action for r in rows} == set(EVENTS)
    for row in rows:  # not even in the database, which backups copy and erasure cannot reach
        for figure in ("81333", str(MEMBER_COUNT), MEMBER_TEXT, MEMBER_DAY.isoformat()):
            assert figure not in row.before + row.after, (row.action, figure)

    web.login("casey@example.org")
    page = shown(web.get("/audit").get_data(as_text=True))
    for figure in MEMBER_FIGURES:
        assert figure not in page, f"a member's figure ({figure}) on the coordinators' audit page"
    # Names, sentences and pounds, not ids, action codes, JSON and pence.
    for action in EVENTS:
        assert action not in page
    assert "{" not in page.split("<h1>", 1)[1] and "_pence" not in page and "12345" not in page
    for words in (
        "Casey Cole",
        "Changed the roles of Robin Ash",
        "Roles: Member, Coordinator → Member, Coordinator",
        "Robin Ash chose how to take their surplus share",
        "Added a pay correction for Robin Ash",
        "Approved the travel expense of Robin Ash",
        "Finalised the pay run for 1 Mar 2026 to 31 Mar 2026",
        "Issued invoice CW-00012",
        "Total: £123.45",
        "Deleted a draft invoice for Acme Gardens",
        "Hid a comment on the proposal “Buy a van”",
        "Comment: by Robin Ash",
        "Changed the rates of the service Gardening",
        "Changed who leads the business Co-op Works",
        "VAT rate: 20%",
        "Changed the setting “Pay floor per hour”",
        "Value: £13.45",
        "Downloaded the accountant&#39;s file of credit notes",
        "Made draft invoices for 1 Mar 2026 to 31 Mar 2026",
    ):
        assert words in page, words


def test_the_page_reads_names_in_a_fixed_number_of_statements(app, web, session):
    from bench.pages import Counter

    casey = factories.member(session, email="casey@example.org", roles=("member", "coordinator"))
    objects = _write_every_event(session, casey.user_id)
    web.login("casey@example.org")
    counter = Counter(app.extensions["coop_db"][0])
    counts = []
    for _ in range(2):
        web.get("/audit")
        counter.count = 0
        assert web.get("/audit").status_code == 200
        counts.append(counter.count)
        _write_every_event(session, casey.user_id, objects)  # a page of 50 rows instead of 34
    assert counts[0] == counts[1] <= 14, counts


def test_record_refuses_what_is_not_declared(session):
    member = factories.member(session)
    cases = [
        ("surplus.kept", ("member", member.id), {}),  # no such event
        ("surplus.taken", ("invoice", "CW-1"), {}),  # about the wrong kind of thing
        ("surplus.taken", ("member", member.id), {"limit_pence": 5000}),  # a field it does not declare
        ("invoice.issue", ("invoice", "CW-1"), {"gross_pence": "12.00"}),  # pounds as text, not pence
        ("roles.change", ("user", member.user_id), {"roles": "admin"}),  # not a list of roles
    ]
    for action, obj, after in cases:
        with pytest.raises(AuditShapeError):
            record(session, None, action, obj, {}, after)
    session.rollback()
    assert session.scalars(select(AuditEntry)).all() == []


def test_a_declaration_that_would_show_a_members_money_is_refused():
    shown = Event(
        "pay.bonus", Subject.MEMBER, "Paid {object} a bonus", {"amount": Field("Amount", Kind.PENCE)}
    )
    with pytest.raises(AuditShapeError, match="must be private"):
        events.check_declarations([shown])
    hidden = Event(
        "pay.bonus", Subject.MEMBER, "Paid {object} a bonus", {"amount": Field("Amount", Kind.PENCE, True)}
    )
    events.check_declarations([hidden])
    with pytest.raises(AuditShapeError, match="twice"):
        events.check_declarations([hidden, hidden])


_ANY_VALUE = st.one_of(st.integers(-(10**9), 10**9), st.text(max_size=8), st.booleans(), st.none())
_EVENT_AND_VALUES = st.sampled_from(sorted(EVENTS)).flatmap(
    lambda action: st.tuples(
        st.just(EVENTS[action]),
        st.fixed_dictionaries({}, optional=dict.fromkeys(EVENTS[action].fields, _ANY_VALUE)),
    )
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_EVENT_AND_VALUES)
def test_shaped_values_never_keep_a_private_field(event_and_values):
    event, values = event_and_values
    try:
        kept = events.shaped(event, values)
    except AuditShapeError:
        return
    assert set(kept) <= {n for n, f in event.fields.items() if not f.private}
    assert all(kept[n] == values[n] for n in kept)


def _share(session, member, pence):
    return factories.surplus_share(session, member, pence=pence)


def test_3_a_surplus_share_spread_over_pay_days_is_not_shown_to_coordinators(web, make_web, session):
    m = factories.member(session, name="Uma Price", email="uc@example.org")
    limit(session, m, 10_000, period="monthly", start_day=6, count_by="paid", mode="block")
    share = _share(session, m, 15_001)
    web.login("uc@example.org")
    assert web.post(f"/my/surplus/{share.id}/take", {"amount": "", "parts": "2"}).status_code == 302
    fresh(session)
    assert sorted(a.amount_pence for a in session.scalars(select(PayAdjustment))) == [7500, 7501]
    [entry] = session.scalars(select(AuditEntry).where(AuditEntry.action == "surplus.taken")).all()
    assert (entry.before, entry.after) == ("{}", "{}")

    factories.coordinator(session, "coord@example.org")
    coord = make_web()
    coord.login("coord@example.org")
    page = coord.get("/audit").get_data(as_text=True)
    assert "Uma Price chose how to take their surplus share" in page
    for figure in [*_forms_of_pence(15_001), *_forms_of_pence(7500), *_forms_of_pence(7501), "pay_days"]:
        assert figure not in page, figure


def test_3_a_pay_correction_is_logged_without_its_amount_or_reason(web, session):
    from coop.pay import service as pay

    m = factories.member(session, name="Carer Member", email="m@example.org")
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    payday = pay.open_paydays(session, today_london(), 1)[0]
    form = {"member_id": str(m.id), "amount": "93.17", "reason": "Missed shift", "pay_on": payday.isoformat()}
    assert web.post("/pay/adjustments", form).status_code == 302
    page = web.get("/audit").get_data(as_text=True)
    assert "Added a pay correction for Carer Member" in page
    for figure in [*_forms_of_pence(9317), "Missed shift"]:
        assert figure not in page, figure


def test_entries_written_before_the_declarations_show_no_figures_either(web, session):
    """The log cannot be changed, so old entries keep their JSON: the page shows declared,
    non-private fields only."""
    m = factories.member(session, name="Old Timer")
    session.add_all(
        [
            AuditEntry(
                action="surplus.taken",
                object_type="member",
                object_id=str(m.id),
                after='{"pay_days": 5, "pence": 81333}',
            ),
            AuditEntry(action="something.retired", object_type="x", object_id="3", after='{"pence": 81333}'),
            AuditEntry(action="invoice.issue", object_type="invoice", object_id="CW-1", after="not json"),
            AuditEntry(
                action="roles.change", object_type="user", object_id="²", before="[1]", after='{"roles": 7}'
            ),
            AuditEntry(action="invoice.links_revoked", object_type="invoice", object_id="9" * 30),
        ]
    )
    session.commit()
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    r = web.get("/audit")
    page = r.get_data(as_text=True)
    assert r.status_code == 200 and "Old Timer chose how to take their surplus share" in page
    assert "Issued invoice CW-1" in page and "Changed the roles of an account no longer on record" in page
    assert "Turned off the invoice links of a draft invoice" in page
    for figure in _forms_of_pence(MEMBER_PENCE):
        assert figure not in page


def test_the_log_goes_a_page_at_a_time_newest_first(web, session):
    m = factories.member(session, name="Page Turner")
    for _ in range(51):
        record(session, None, "reference.written", ("member", m.id))
    record(session, None, "erasure.requested", ("member", m.id))
    session.commit()
    factories.coordinator(session, "coord@example.org")
    web.login("coord@example.org")
    first = web.get("/audit").get_data(as_text=True)
    assert first.index("Asked for the details of Page Turner") < first.index(
        "Wrote a reference for Page Turner"
    )
    assert first.count("Wrote a reference for Page Turner") == 49 and "Older entries" in first
    second = web.get("/audit?page=2").get_data(as_text=True)
    assert second.count("Wrote a reference for Page Turner") == 2 and "Newer entries" in second
    assert "Automatic" in second


def test_every_call_in_the_code_names_a_declared_event():
    """A static companion to record's refusal: every audit call's action (or the fixed start
    of a built one) is declared, so a path no test runs cannot log something undeclared either."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "coop"
    calls = []
    for path in root.rglob("*.py"):
        if path.parent.name == "audit":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("record", "audit")
                and len(node.args) >= 3
            ):
                calls.append((path.name, node.args[2]))
    assert len(calls) >= 28, calls
    passed_in = []
    for where, action in calls:
        if isinstance(action, ast.Name):
            passed_in.append(where)
        elif isinstance(action, ast.Constant):
            assert action.value in EVENTS, (where, action.value)
        else:
            start = action.values[0] if isinstance(action, ast.JoinedStr) else action.left
            assert isinstance(start, ast.Constant), where
            assert any(a.startswith(start.value) for a in EVENTS), (where, start.value)
    # The one helper given its action by its callers: the coordinator's limit changes.
    assert passed_in == ["setting.py"] and set(LIMIT_ACTIONS) <= set(EVENTS)
