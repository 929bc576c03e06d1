"""What a setting is (its kind, default and bounds), and the settings of the search for cover,
kept apart from the long list in the service so each area's settings are read in one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SettingSpec:
    key: str
    label: str
    kind: str  # pence | int | percent | bool | text
    default: Any
    help: str = ""
    minimum: int | None = None
    maximum: int | None = None
    choices: tuple[str, ...] | None = None


COVER_SPECS = [
    SettingSpec(
        "cover_wave_size",
        "Cover: members asked at once, far from the start",
        "int",
        6,
        "When a place is let go late, it is offered to this many members at a time (the fairest "
        "first); fewer as the start nears.",
        minimum=1,
        maximum=100,
    ),
    SettingSpec(
        "cover_wave_size_least",
        "Cover: members asked at once, just before the start",
        "int",
        2,
        minimum=1,
        maximum=100,
    ),
    SettingSpec(
        "cover_answer_minutes",
        "Cover: minutes to answer before more members are asked, far from the start",
        "int",
        120,
        minimum=5,
        maximum=24 * 60,
    ),
    SettingSpec(
        "cover_answer_minutes_least",
        "Cover: minutes to answer before more members are asked, just before the start",
        "int",
        15,
        minimum=5,
        maximum=24 * 60,
    ),
    SettingSpec(
        "cover_client_notice_hours",
        "Cover: tell the client when a visit is still short this many hours before it starts",
        "int",
        4,
        "The client's contact is told once, with their choices: go ahead with fewer people at a "
        "lower charge, move the visit, or cancel it without a fee.",
        minimum=1,
        maximum=72,
    ),
]
