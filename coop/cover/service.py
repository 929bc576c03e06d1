"""The cover area's interface for the pages, the CLI and the demo: what they may call, named in
`__all__`. Each name is defined in the module that holds its rule (absence, search, board,
client, jobs, figures, preferences); pages may import those modules directly."""

from __future__ import annotations

from coop.cover.absence import LATE_MINUTES, cant_make_it, running_late
from coop.cover.board import (
    CaseCard,
    claim_myself,
    members_with_skills,
    offer_named,
    open_cases,
    open_count,
    widen,
)
from coop.cover.client import CHOICES, case_for_client, cases_for_client, choices_for, choose
from coop.cover.figures import (
    BusinessCover,
    Cover,
    MonthFigures,
    by_business,
    chart,
    monthly,
    months_in,
    shown,
)
from coop.cover.jobs import Tick, run_due
from coop.cover.preferences import preferences_of, save_preferences
from coop.cover.search import (
    ALREADY_COVERED,
    accept,
    candidates,
    decline,
    offer_for,
    open_case_within,
    open_offers_for,
)

__all__ = [
    "ALREADY_COVERED",
    "CHOICES",
    "LATE_MINUTES",
    "BusinessCover",
    "CaseCard",
    "Cover",
    "MonthFigures",
    "Tick",
    "accept",
    "by_business",
    "candidates",
    "cant_make_it",
    "case_for_client",
    "cases_for_client",
    "chart",
    "choices_for",
    "choose",
    "claim_myself",
    "decline",
    "members_with_skills",
    "monthly",
    "months_in",
    "offer_for",
    "offer_named",
    "open_case_within",
    "open_cases",
    "open_count",
    "open_offers_for",
    "preferences_of",
    "run_due",
    "running_late",
    "save_preferences",
    "shown",
    "widen",
]
