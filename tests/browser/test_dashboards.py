"""Each role's home page on the demo co-op shows what that person came for, passes axe, and is
photographed. `make screenshots` runs only this file with COOP_SCREENSHOTS=docs/screenshots, on a
fresh demo co-op, to refresh the pictures linked from the README."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from coop.demo.service import DEMO_LOGINS
from tests.browser.conftest import ARTIFACTS

EXPECT = {
    "member": ["Work offered to you", "Next shifts", "Your limit this period", "Have your say"],
    "coordinator": ["Hours per member this month", "Income and member pay by month"],
    "client": ["Your next visits", "Invoices to pay"],
}


@pytest.mark.parametrize("role", list(EXPECT))
def test_dashboard(live, ui, variant, role):
    ui.login(dict(DEMO_LOGINS["accounts"])[role], DEMO_LOGINS["password"])
    for text in EXPECT[role]:
        ui.sees(text)
    if variant in ("desktop", "phone"):
        out = Path(os.environ.get("COOP_SCREENSHOTS") or ARTIFACTS / "dashboards")
        out.mkdir(parents=True, exist_ok=True)
        ui.page.screenshot(path=str(out / f"{role}-{variant}.png"), full_page=True)
