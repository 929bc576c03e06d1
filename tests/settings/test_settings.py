"""Settings: saves that arrive at once, and the settings page."""

import time
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from coop.audit.models import AuditEntry
from coop.errors import DomainError
from coop.settings import service as settings
from coop.settings.models import Setting
from coop.timeutil import today_london
from tests import factories
from tests.parallel import run_parallel


def _save(session, key, value, on):
    settings.change(session, key, value, effective_from=on, actor_id=None, note="at once")


def test_two_saves_of_one_setting_at_once_both_land_and_are_audited(db_url, session):
    on = today_london() + timedelta(days=7)
    results = run_parallel(db_url, _save, [("coop_name", f"Co-op {i}", on) for i in range(4)])
    assert [r for r in results if r[0] != "ok"] == []
    session.rollback()
    rows = session.scalars(
        select(Setting).where(Setting.key == "coop_name", Setting.effective_from == on)
    ).all()
    assert len(rows) == 1 and rows[0].value.strip('"') in {f"Co-op {i}" for i in range(4)}
    audited = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.action == "setting.change")
    )
    assert audited == 4


def test_the_settings_page_saves_and_refuses_a_floor_below_the_law(web, session):
    factories.user(session, "admin@example.org", ("admin",))
    web.login("admin@example.org")
    statutory = settings.get(session, "statutory_minimum_pence")
    r = web.post("/settings/pay_floor_pence", {"value": f"{(statutory - 1) / 100:.2f}", "note": ""})
    assert r.status_code == 200 and "cannot be below the statutory" in r.get_data(as_text=True)
    r = web.post("/settings/coop_name", {"value": "Anytown Works", "note": "new name"})
    assert r.status_code == 302
    session.rollback()
    assert settings.get(session, "coop_name") == "Anytown Works"
    with pytest.raises(DomainError):
        settings.change(
            session, "pay_floor_pence", statutory - 1, effective_from=None, actor_id=None, note=""
        )


def test_a_future_floor_below_a_future_minimum_is_refused_whichever_is_saved_first(web, session):
    """Issue 34, problem 4: a floor of £14.20 and a minimum of £14.50 from the same future date
    were both accepted. The two settings are checked as timelines, from today on."""
    factories.user(session, "admin@example.org", ("admin",))
    web.login("admin@example.org")
    on = today_london() + timedelta(days=120)
    form = {"effective_from": on.isoformat(), "note": "April"}

    def save(key, value):
        r = web.post(f"/settings/{key}", {**form, "value": value})
        return r.status_code, r.get_data(as_text=True)

    def saved_on(day):
        session.rollback()
        return sorted(session.scalars(select(Setting.key).where(Setting.effective_from == day)))

    # The minimum first: above today's floor from that day, so refused with the reason.
    status, page = save("statutory_minimum_pence", "14.50")
    assert status == 200 and "cannot be below the statutory" in page and "Nothing was changed" in page
    assert "£14.50" in page and saved_on(on) == []
    # The floor first: accepted; the minimum above it from the same day is still refused.
    assert save("pay_floor_pence", "14.20")[0] == 302
    status, page = save("statutory_minimum_pence", "14.50")
    assert status == 200 and "cannot be below the statutory" in page
    assert saved_on(on) == ["pay_floor_pence"]
    # A later date of either timeline is checked too.
    later = on + timedelta(days=30)

    def change(key, value):
        settings.change(session, key, value, effective_from=later, actor_id=None, note="")

    with pytest.raises(DomainError, match="cannot be below"):
        change("statutory_minimum_pence", 1500)
    with pytest.raises(DomainError, match="cannot be below"):
        change("pay_floor_pence", 1200)
    change("pay_floor_pence", 1500)
    change("statutory_minimum_pence", 1500)
    assert settings.pay_floor(session, later) == 1500 and saved_on(later) == sorted(
        ["pay_floor_pence", "statutory_minimum_pence"]
    )
    for day in (today_london(), on, later, later + timedelta(days=400)):
        floor = settings.get(session, "pay_floor_pence", day)
        assert floor >= settings.get(session, "statutory_minimum_pence", day)


def _save_slowly(session, key, value, on):
    """A save that waits between writing its row and checking the timelines (in its own process),
    so that two saves at once overlap there unless something takes them one at a time."""
    check = settings._floor_holds_from

    def slow_check(s, first):
        time.sleep(0.5)
        check(s, first)

    settings._floor_holds_from = slow_check
    _save(session, key, value, on)


def test_a_floor_lowered_and_a_minimum_raised_at_once_cannot_cross(db_url, session):
    """Each save is fine alone (the floor lowered but above the minimum, the minimum raised but
    below the floor) but not both: settings.change takes saves one at a time, so the second sees
    the first. Without its lock both were saved on PostgreSQL."""
    on = today_london() + timedelta(days=60)
    floor = settings.get(session, "pay_floor_pence", on)
    statutory = settings.get(session, "statutory_minimum_pence", on)
    low_floor, high_minimum = statutory + 10, floor - 10
    assert statutory < low_floor < high_minimum < floor
    results = run_parallel(
        db_url,
        _save_slowly,
        [("pay_floor_pence", low_floor, on), ("statutory_minimum_pence", high_minimum, on)],
    )
    assert sorted(r[0] for r in results) == ["ok", "refused"], results
    session.rollback()
    floor, statutory = (settings.get(session, k, on) for k in ("pay_floor_pence", "statutory_minimum_pence"))
    assert floor >= statutory
