"""The cover area's operations in one place, for views, the CLI, demo and tests: each lives in
the module named for what it holds (absence, search, board, client, jobs, figures)."""

from __future__ import annotations

from coop.cover.absence import LATE_MINUTES, cant_make_it, running_late  # noqa: F401
from coop.cover.board import (  # noqa: F401
    CaseCard,
    ask_named,
    fill_myself,
    members_with_skills,
    open_cases,
    open_count,
    widen,
)
from coop.cover.client import CHOICES, case_for_client, cases_for_client, choices_for, choose  # noqa: F401
from coop.cover.figures import MonthFigures, chart, monthly, months_in, shown  # noqa: F401
from coop.cover.jobs import Tick, run_due  # noqa: F401
from coop.cover.preferences import preferences_of, save_preferences  # noqa: F401
from coop.cover.search import (  # noqa: F401
    ALREADY_COVERED,
    accept,
    candidates,
    decline,
    offer_for,
    open_case_within,
    open_offers_for,
)
