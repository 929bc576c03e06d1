"""The cover search's timing as a pure rule: how many members to ask at once and how long to
wait for an answer, given how long is left before the shift starts.

Far from the start (at the notice period or more) a wave asks the most members and waits the
longest; both shrink in step as the start nears, down to the least at the start. An answer is
never waited for past the start."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class WaveSettings:
    notice: timedelta  # the late-drop notice period: from here on the search runs
    size_most: int
    size_least: int
    answer_most: timedelta
    answer_least: timedelta


def wave_plan(left: timedelta, s: WaveSettings) -> tuple[int, timedelta]:
    """(members to ask, time to wait for an answer) with `left` to go before the start."""
    share = 0.0 if s.notice <= timedelta(0) else min(1.0, max(0.0, left / s.notice))
    least, most = min(s.size_least, s.size_most), max(s.size_least, s.size_most)
    size = least + round((most - least) * share)
    short, long = min(s.answer_least, s.answer_most), max(s.answer_least, s.answer_most)
    window = short + (long - short) * share
    window = timedelta(seconds=int(window.total_seconds()))  # whole seconds: the same on both databases
    return size, max(timedelta(0), min(window, left))
