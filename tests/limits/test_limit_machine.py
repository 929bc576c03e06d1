"""The benefit promise as a state machine: random sequences of every operation that adds or changes
a member's work or pay (claim, offer, ask and answer, swap, drop, shift and service edits, hours,
approval, surplus shares, pay choices, corrections, pay runs), for members with 'block' limits of
each kind. The shifts lie across the whole booking horizon: weeks already worked (hours recorded
and approved late correct a past period), the coming weeks, weeks 130 and 200 days ahead, the
year's end, the spring clock change and two years ahead, several in the same week. After every
step no period of any member's work and pay, wherever it lies, is over their limit (each read
both alone, as the limit reads it, and with everything else), and the pages coordinators read
(the audit log, filling a shift, a member's page) never show a limit figure. Runs on SQLite and
on PostgreSQL, like the rest of the suite."""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, time, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test
from sqlalchemy import select

from coop.bookings import service as bookings
from coop.bookings.models import Shift
from coop.errors import DomainError
from coop.governance import service as governance
from coop.governance.models import Proposal, SurplusShare
from coop.limits import service as limits
from coop.pay import service as pay
from coop.rota import offers
from coop.rota import service as rota
from coop.rota.autofill import Proposal as Offered
from coop.rota.models import Assignment, Offer
from coop.timesheets import service as timesheets
from coop.timesheets.models import TimesheetEntry
from coop.timeutil import london_to_utc, to_london, today_london, utcnow, week_start
from tests import factories
from tests.limits import checks

# Unusual figures, so that finding one on a coordinator's page cannot be a coincidence.
LIMITS = (
    limits.LimitData(9_173, 15 * 60 + 59, "weekly", 1, "block", "worked", "esa", week_start_day=0),
    limits.LimitData(41_137, None, "monthly", 17, "block", "paid", "uc"),
    limits.LimitData(19_613, None, "weekly", 1, "block", "worked", "carers", week_start_day=3),
)
FIGURES = (
    "91.73",
    "411.37",
    "196.13",
    "15h 59m",
    "earnings_limit_pence",
    "hours_limit_minutes",
    "&#34;preset&#34;",
    '"preset"',
)
SHIFTS = 8
MEMBER, SHIFT = st.integers(0, len(LIMITS) - 1), st.integers(0, SHIFTS - 1)


def horizon_weeks() -> list[int]:
    """Weeks from this one (as days to their Monday) where the machine's shifts lie: past weeks,
    the coming ones, 130 and 200 days ahead, the week after Christmas (a year's end), the week
    of the spring clock change, and two years ahead, less a week."""
    today = today_london()
    monday = week_start(today)
    christmas = date(today.year, 12, 28)
    spring = max(
        date(today.year + 1, 3, d) for d in range(25, 32) if date(today.year + 1, 3, d).weekday() == 6
    )
    wanted = [-35, -14, 7, 14, 130, 200, (christmas - today).days, (spring - today).days, 723]
    return [(week_start(today + timedelta(days=d)) - monday).days for d in wanted]


WEEK = st.integers(0, len(horizon_weeks()) - 1)


def test_no_sequence_of_changes_takes_a_member_over_a_block_limit(app, session, make_web):
    coordinator = factories.coordinator(session, "coord@example.org")
    coord = make_web()
    coord.login("coord@example.org")
    examples = itertools.count()
    done: Counter[tuple[str, str]] = Counter()

    def attempt(call, *args, **kw):
        try:
            result = call(*args, **kw)
        except DomainError:  # refusals are expected; they must change nothing
            session.rollback()
            done[call.__name__, "refused"] += 1
            return None
        done[call.__name__, "done"] += 1
        return result

    class Machine(RuleBasedStateMachine):
        @initialize(
            layout=st.lists(
                st.tuples(WEEK, st.integers(0, 6), st.integers(6, 20), st.integers(1, 9), st.booleans()),
                min_size=SHIFTS,
                max_size=SHIFTS,
            )
        )
        def setup(self, layout):
            session.rollback()
            n = next(examples)
            skill = factories.skill(session, f"Machine skill {n}")
            self.services = [
                factories.service(session, skill, name=f"Ordinary {n}", pay=1500),
                factories.service(session, skill, name=f"Involvement {n}", pay=2000),
            ]
            self.services[1].involvement = True
            self.members = [
                factories.member(session, name=f"Member {n}-{i}", skills=[skill]) for i in range(3)
            ]
            for member, data in zip(self.members, LIMITS, strict=True):
                limits.set_limit(session, member, data, actor_id=coordinator.id, by_coordinator=True)
            weeks = horizon_weeks()
            monday = week_start(today_london())

            def starts_in(week: int, day: int, hour: int) -> timedelta:
                """From now to the shift's start, at the hour (London) of its day whatever the time
                of the run (not now's time of day moved by hours, which put a shift on another day,
                in another period, from one hour's run to the next); one in the coming days starts a
                day ahead at least (not started), one in a past week has been worked."""
                start = london_to_utc(monday + timedelta(days=weeks[week] + day), time(hour))
                until = start - utcnow()
                return until if weeks[week] < 0 else max(until, timedelta(days=1))

            self.shifts = [
                factories.shift(
                    session,
                    service_=self.services[involvement],
                    starts_in=starts_in(week, day, hour),
                    hours=hours,
                    slots=2,
                )
                for week, day, hour, hours, involvement in layout
            ]
            self.proposal = Proposal(
                title=f"Surplus {n}",
                text="Share it",
                kind="distribute_surplus",
                created_by_id=self.members[0].id,
                closes_at=utcnow(),
                surplus_year=2026,
            )
            session.add(self.proposal)
            session.commit()
            for i, member in enumerate(self.members):  # some work to start from, where it fits
                for shift in self.shifts[i : i + 3]:
                    if shift.starts_at > utcnow():
                        attempt(rota.claim, session, member.id, shift.id)
                    elif (
                        shift.filled < shift.slots
                        and limits.Planner.for_member(session, member).fit(shift).fits
                    ):
                        # work already done (claimed when it was ahead): its hours come later
                        session.add(
                            Assignment(
                                shift_id=shift.id, shift_starts_at=shift.starts_at, member_id=member.id
                            )
                        )
                        shift.filled += 1
                        session.commit()

        def held(self, m: int, s: int, status: str = "accepted") -> Assignment | None:
            session.rollback()
            return session.scalar(
                select(Assignment).where(
                    Assignment.member_id == self.members[m].id,
                    Assignment.shift_id == self.shifts[s].id,
                    Assignment.status == status,
                )
            )

        @rule(m=MEMBER, s=SHIFT)
        def claim(self, m, s):
            attempt(rota.claim, session, self.members[m].id, self.shifts[s].id)

        @rule(m=MEMBER, s=SHIFT, yes=st.booleans())
        def coordinator_asks(self, m, s, yes):
            asked = attempt(rota.ask, session, self.members[m].id, self.shifts[s].id)
            if asked is not None:
                attempt(rota.answer, session, self.members[m].id, asked.id, yes=yes)

        @rule(m=MEMBER, s=SHIFT)
        def offer_accepted(self, m, s):
            attempt(offers.queue_offers, session, [Offered(self.shifts[s].id, self.members[m].id)])
            offer = session.scalar(
                select(Offer).where(
                    Offer.member_id == self.members[m].id,
                    Offer.shift_id == self.shifts[s].id,
                    Offer.status == "offered",
                )
            )
            if offer is not None:
                attempt(offers.accept, session, self.members[m].id, offer.id)

        @rule(giver=MEMBER, taker=MEMBER, s=SHIFT)
        def swap(self, giver, taker, s):
            a = self.held(giver, s)
            if a is None:
                return
            swap = attempt(rota.offer_swap, session, self.members[giver].id, a.id)
            if swap is not None:
                attempt(rota.accept_swap, session, self.members[taker].id, swap.id)

        @rule(one=MEMBER, other=MEMBER, s1=SHIFT, s2=SHIFT)
        def two_way_swap(self, one, other, s1, s2):
            a, b = self.held(one, s1), self.held(other, s2)
            if a is None or b is None:
                return
            offer = attempt(rota.propose_exchange, session, self.members[one].id, a.id, b.id)
            if offer is not None:
                attempt(rota.answer_exchange, session, self.members[other].id, offer.id, yes=True)

        @rule(m=MEMBER, s=SHIFT)
        def drop(self, m, s):
            a = self.held(m, s)
            if a is not None:
                attempt(rota.drop, session, self.members[m].id, a.id)

        @rule(
            s=SHIFT,
            longer=st.integers(-60, 300),
            later_days=st.one_of(st.integers(0, 10), st.sampled_from([126, 203, 700])),
            ask=st.booleans(),
        )
        def coordinator_edits_a_shift(self, s, longer, later_days, ask):
            session.rollback()
            shift = session.get(Shift, self.shifts[s].id)
            start, end = to_london(shift.starts_at), to_london(shift.ends_at + timedelta(minutes=longer))
            change = bookings.ShiftChange(
                start.date() + timedelta(days=later_days),
                start.time(),
                end.time(),
                shift.site_address,
                shift.notes,
                shift.slots,
            )
            attempt(
                bookings.edit_shifts,
                session,
                shift,
                change,
                scope="one",
                actor_id=coordinator.id,
                ask_members=ask,
            )

        @rule(which=st.integers(0, 1), rate=st.integers(1345, 3500), ask=st.booleans())
        def coordinator_changes_pay(self, which, rate, ask):
            session.rollback()
            svc = self.services[which]
            data = bookings.ServiceData(
                svc.name, "", svc.skill_id, 3000, rate, 2000, 60, True, svc.involvement
            )
            attempt(
                bookings.save_service, session, data, actor_id=coordinator.id, service=svc, ask_members=ask
            )

        @rule(m=MEMBER, s=SHIFT, longer=st.integers(-30, 240), by_member=st.booleans())
        def hours_recorded(self, m, s, longer, by_member):
            a = self.held(m, s)
            if a is None:
                return
            shift = a.shift
            end = shift.ends_at + timedelta(minutes=longer)
            attempt(
                timesheets.submit,
                session,
                a.id,
                timesheets.Hours(shift.starts_at, end, 0),
                actor_id=self.members[m].user_id if by_member else coordinator.id,
                member_id=self.members[m].id if by_member else None,
                now=max(end, shift.ends_at) + timedelta(hours=1),
            )

        @rule()
        def coordinator_approves_everything(self):
            session.rollback()
            ids = list(session.scalars(select(TimesheetEntry.id).where(TimesheetEntry.status == "submitted")))
            if ids:
                attempt(timesheets.approve, session, ids, actor_id=coordinator.id)

        @rule(m=MEMBER, amount=st.integers(100, 60_000), parts=st.integers(1, 3))
        def surplus_share_taken(self, m, amount, parts):
            session.rollback()
            share = SurplusShare(
                proposal_id=self.proposal.id, member_id=self.members[m].id, minutes=60, amount_pence=amount
            )
            existing = session.scalar(
                select(SurplusShare).where(
                    SurplusShare.proposal_id == self.proposal.id, SurplusShare.member_id == self.members[m].id
                )
            )
            if existing is None:
                session.add(share)
                session.commit()
            else:
                share = existing
            attempt(
                governance.take_share, session, self.members[m], share.id, today=today_london(), parts=parts
            )

        @rule(m=MEMBER, s=SHIFT, rate=st.one_of(st.none(), st.integers(0, 2000)))
        def pay_choice(self, m, s, rate):
            a = self.held(m, s)
            if a is not None:
                attempt(rota.set_pay_choice, session, self.members[m].id, a.id, rate)

        @rule(m=MEMBER, amount=st.integers(1, 30_000), later=st.integers(0, 2))
        def coordinator_adds_a_correction(self, m, amount, later):
            session.rollback()
            day = pay.open_paydays(session, today_london(), 3)[later]
            attempt(
                pay.add_adjustment,
                session,
                self.members[m],
                amount,
                "Correction",
                actor_id=coordinator.id,
                pay_on=day,
            )

        @rule()
        def pay_run(self):
            session.rollback()
            today = today_london()
            start, end = pay.default_period(limits.pay_schedule(session), today)
            attempt(pay.build_pay_run, session, start, end, actor_id=coordinator.id, today=today)

        @rule(s=SHIFT)
        def coordinator_looks(self, s):
            pages = [
                coord.get("/audit").get_data(as_text=True),
                coord.get(f"/shifts/{self.shifts[s].id}/fill").get_data(as_text=True),
                coord.get("/timesheets/review").get_data(as_text=True),
            ] + [coord.get(f"/members/{m.id}").get_data(as_text=True) for m in self.members]
            for page in pages:
                for figure in FIGURES:
                    assert figure not in page, f"a limit figure ({figure}) on a coordinator's page"

        @invariant()
        def nobody_is_over_their_limit(self):
            if not hasattr(self, "members"):
                return
            session.rollback()
            for member in self.members:
                checks.within_limit(session, member.id)

    run_state_machine_as_test(
        Machine,
        settings=settings(
            max_examples=12,
            stateful_step_count=40,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            # The same sequences every run: random ones now and then never reached a timesheet
            # (1 run in 12), which failed the check below that every kind of change happened.
            derandomize=True,
        ),
    )
    # It ran, and every kind of change did happen, not only refusals.
    assert next(examples) > 1
    happened = {name for (name, outcome), count in done.items() if outcome == "done" and count}
    assert {"claim", "edit_shifts", "save_service", "submit", "build_pay_run", "add_adjustment"} <= happened
