"""The one rate rule (issue 34, problem 2): every rate a member can be paid passes through
`pay.rates.hourly_rate`, which refuses a rate below the statutory minimum in force on the work's
day; unpaid involvement stays the member's own choice."""

from __future__ import annotations

import ast
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from coop.errors import DomainError
from coop.limits import service as limits
from coop.pay.rates import RateRules, hourly_rate
from coop.rota import service as rota
from coop.rota.models import Assignment
from coop.settings import service as coop_settings
from coop.timesheets import service as timesheets
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import to_london
from tests import factories
from tests.factories import fresh

# --- the rule, as a property ------------------------------------------------------------------

rules_st = st.builds(
    lambda statutory, above, holiday: RateRules(statutory + above, statutory, holiday),
    st.integers(1, 3000),
    st.integers(0, 1000),
    st.integers(0, 2000),
)


@settings(max_examples=300, deadline=None)
@given(
    rules=rules_st,
    offered=st.integers(1, 6000),
    chosen=st.one_of(st.none(), st.just(0), st.integers(-100, 8000)),
)
def test_no_rate_is_below_the_law_unless_the_member_chose_nothing(rules, offered, chosen):
    paid = hourly_rate(rules, offered, chosen)
    full = max(offered, rules.floor_pence)
    if chosen is None:
        assert paid == full >= rules.floor_pence >= rules.statutory_pence
    elif chosen == 0:
        assert paid == 0
    else:
        assert rules.statutory_pence <= paid <= full
    # Choosing: exactly the lawful choices are taken as they are, every other one is refused.
    lawful = chosen is None and offered >= rules.floor_pence
    lawful |= chosen == 0 or (chosen is not None and rules.statutory_pence <= chosen <= full)
    if lawful:
        assert hourly_rate(rules, offered, chosen, choosing=True) == paid
        assert chosen is None or paid == chosen
    else:
        with pytest.raises(DomainError):
            hourly_rate(rules, offered, chosen, choosing=True)


# --- every pay path goes through it -----------------------------------------------------------

RATE_COLUMNS = {"pay_rate_pence", "chosen_pay_pence_per_hour", "rate_pence", "pay_pence_per_hour"}
RULE = {"hourly_rate", "rate_on"}
MODELS = {"Service", "Assignment", "TimesheetEntry", "PayLine", "values"}


def _called(fn: ast.AST) -> set[str]:
    names = set()
    for node in ast.walk(fn):
        if isinstance(node, ast.Call):
            f = node.func
            names.add(f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", ""))
    return names


def _copies_or_clears(value: ast.AST | None) -> bool:
    """None (pay not fixed yet), or a rate column copied from a row the rule already priced."""
    if value is None or (isinstance(value, ast.Constant) and value.value is None):
        return True
    return any(isinstance(n, ast.Attribute) and n.attr in RATE_COLUMNS for n in ast.walk(value))


def _writes(fn: ast.AST) -> list[int]:
    """Lines in a function that write a pay rate column: `row.column = ...`, `Model(column=...)`,
    `.values(column=...)` or a bulk-insert row `{"column": ...}`."""
    lines = []
    for node in ast.walk(fn):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                for t in target.elts if isinstance(target, ast.Tuple) else [target]:
                    priced_here = isinstance(target, ast.Tuple) or not _copies_or_clears(node.value)
                    if isinstance(t, ast.Attribute) and t.attr in RATE_COLUMNS and priced_here:
                        lines.append(node.lineno)
        elif isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else getattr(f, "id", "")
            if name in MODELS:
                for kw in node.keywords:
                    if kw.arg in RATE_COLUMNS and not _copies_or_clears(kw.value):
                        lines.append(node.lineno)
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                rate_key = isinstance(key, ast.Constant) and key.value in RATE_COLUMNS
                if rate_key and not _copies_or_clears(value):
                    lines.append(node.lineno)
    return lines


def bypasses(sources: dict[str, str]) -> list[str]:
    """Functions that write a pay rate column without calling the rate rule, directly or through
    a function that does (matched by name across all the sources)."""
    functions: dict[str, list[tuple[str, ast.AST]]] = defaultdict(list)
    for path, text in sources.items():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                functions[node.name].append((path, node))
    calls = {name: set().union(*(_called(fn) for _, fn in defs)) for name, defs in functions.items()}
    through = set(RULE)
    while True:
        more = {name for name, called in calls.items() if called & through} - through
        if not more:
            break
        through |= more
    found = []
    for name, defs in functions.items():
        for path, fn in defs:
            # A nested function is judged with the function around it (it is walked there too).
            if _writes(fn) and not (_called(fn) & through):
                found.append(f"{path}:{name} (line {_writes(fn)[0]})")
    return sorted(found)


def test_every_place_that_writes_a_pay_rate_calls_the_rate_rule():
    root = Path(__file__).resolve().parents[2] / "coop"
    sources = {str(p.relative_to(root.parent)): p.read_text() for p in root.rglob("*.py")}
    sources = {p: t for p, t in sources.items() if not p.endswith("models.py")}  # column declarations
    assert bypasses(sources) == []
    # The check itself finds a new path that sets a rate without the rule.
    sources["coop/pay/new_path.py"] = (
        "def pay_less(session, entry, amount):\n"
        "    entry.pay_rate_pence = amount\n"
        "def offer(session, a, amount):\n"
        "    session.add(Assignment(shift_id=1, chosen_pay_pence_per_hour=amount))\n"
    )
    assert bypasses(sources) == [
        "coop/pay/new_path.py:offer (line 4)",
        "coop/pay/new_path.py:pay_less (line 2)",
    ]


# --- through HTTP -----------------------------------------------------------------------------


def _involvement_place(session, *, pay=2000):
    skill = factories.skill(session, "Consultation")
    svc = factories.service(session, skill, name="Consultation", pay=pay, charge=3000, vat_bp=0)
    svc.involvement = True
    session.commit()
    shift = factories.shift(session, service_=svc, hours=7, starts_in=timedelta(days=4))
    member = factories.member(session, email="m@example.org", skills=[skill])
    return shift, member


def test_involvement_pay_below_the_legal_minimum_is_refused_and_none_stays_a_choice(make_web, session):
    shift, member = _involvement_place(session)
    lowest = coop_settings.get(session, "statutory_minimum_pence", to_london(shift.starts_at).date())
    web = make_web()
    web.login("m@example.org")
    # Claiming at £5.00 an hour is refused, and nothing is taken.
    page = web.post(f"/shifts/{shift.id}/claim", {"rate": "500"}, follow_redirects=True).get_data(
        as_text=True
    )
    assert "the legal minimum" in page
    fresh(session)
    assert session.scalars(select(Assignment)).all() == []
    a = rota.claim(session, member.id, shift.id)
    mine = web.get("/shifts/mine").get_data(as_text=True)
    assert f"£{lowest // 100}.{lowest % 100:02d} an hour" in mine

    def choose(choice, amount=""):
        r = web.post(
            f"/assignments/{a.id}/pay-choice", {"choice": choice, "amount": amount}, follow_redirects=True
        )
        fresh(session)
        return r.get_data(as_text=True), session.get(Assignment, a.id).chosen_pay_pence_per_hour

    page, chosen = choose("less", "5.00")
    assert "the legal minimum" in page and chosen is None
    page, chosen = choose("less", f"{(lowest - 1) / 100:.2f}")
    assert "the legal minimum" in page and chosen is None
    assert choose("none")[1] == 0  # unpaid, by the member's own choice
    assert choose("less", f"{lowest / 100:.2f}")[1] == lowest
    # Approved hours are paid at that rate, never below it.
    shift.starts_at -= timedelta(days=6)
    shift.ends_at -= timedelta(days=6)
    session.commit()
    e = timesheets.submit(session, a.id, timesheets.Hours(shift.starts_at, shift.ends_at, 0), actor_id=1)
    factories.coordinator(session, "coord@example.org")
    coord = make_web()
    coord.login("coord@example.org")
    coord.post("/timesheets/approve", {"entry": str(e.id)})
    fresh(session)
    e = session.get(TimesheetEntry, e.id)
    assert (e.status, e.pay_rate_pence, e.pay_pence) == ("approved", lowest, 7 * lowest)


def test_a_choice_made_before_the_minimum_rose_is_paid_at_the_new_minimum(session):
    shift, member = _involvement_place(session, pay=3000)
    day = to_london(shift.starts_at).date()
    old = coop_settings.get(session, "statutory_minimum_pence", day)
    a = rota.claim(session, member.id, shift.id)
    rota.set_pay_choice(session, member.id, a.id, old)
    # The law changes from the day of the work: the floor first, then the minimum.
    for key, value in (("pay_floor_pence", old + 200), ("statutory_minimum_pence", old + 100)):
        coop_settings.change(session, key, value, effective_from=day, actor_id=None, note="rise")
    shift.starts_at -= timedelta(days=6)
    shift.ends_at -= timedelta(days=6)
    session.commit()
    e = timesheets.submit(session, a.id, timesheets.Hours(shift.starts_at, shift.ends_at, 0), actor_id=1)
    # The rules in force on the work's day, not today's: moved back six days, it is before `day`.
    assert timesheets.pay_for_entry(session, e)[0] == old
    shift.starts_at += timedelta(days=6)
    shift.ends_at += timedelta(days=6)
    session.commit()
    assert timesheets.pay_for_entry(session, e)[0] == old + 100
    with pytest.raises(DomainError, match="legal minimum"):
        rota.set_pay_choice(session, member.id, a.id, old)


def test_the_open_shifts_page_offers_no_rate_that_fits_below_the_law(make_web, session):
    """Taking involvement work 'at a rate that fits' could offer a rate below the legal minimum; the
    claim at that rate would now be refused, so only unpaid (or the full rate) is offered."""
    shift, member = _involvement_place(session)
    factories.limit(session, member, 2_000)
    assert limits.Planner.for_member(session, member).rate_that_fits(shift) == 0
    web = make_web()
    web.login("m@example.org")
    page = web.get("/shifts/open").get_data(as_text=True)
    assert "Take it unpaid" in page and "so it fits" not in page
