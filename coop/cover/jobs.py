"""`coop cover-tick` (every few minutes): each open cover case moves on by the clock. A case whose
place was filled another way is covered; one whose visit started or was cancelled ends; when a
wave's time to answer is up the next wave is asked; and a visit still short at the client notice
time is told to the client, once. Each case is its own transaction, under the claim's locks."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from coop.cover.client import client_notice_due, tell_client_within
from coop.cover.models import CaseStatus, CoverCase
from coop.cover.search import lock_case, queue_wave_within, settled_elsewhere
from coop.db import write_transaction
from coop.rota import service as rota
from coop.timeutil import utcnow


@dataclass
class Tick:
    waves: int = 0
    clients_told: int = 0
    closed: int = 0


def run_due(session: Session, *, now: datetime | None = None) -> Tick:
    """Move every open case on (see the module). Running it twice at once, or again, does
    nothing twice: each step is decided under the case's lock on what is recorded."""
    now = now or utcnow()
    done = Tick()
    rows = list(
        session.execute(
            select(CoverCase.id, CoverCase.shift_id)
            .where(CoverCase.status == CaseStatus.OPEN)
            .order_by(CoverCase.id)
        )
    )
    for case_id, shift_id in rows:
        with write_transaction(session):
            shift = rota.lock_shift(session, shift_id)
            case = lock_case(session, case_id)
            if case.status != CaseStatus.OPEN:
                continue
            if settled_elsewhere(session, case, shift, now) is not None:
                done.closed += 1
                continue
            if case.wave_ends_at is not None and case.wave_ends_at <= now:
                queue_wave_within(session, case, now=now)
                done.waves += 1
            if client_notice_due(session, case, now):
                tell_client_within(session, case, now=now)
                done.clients_told += 1
    return done
