"""Members govern the co-op: proposals, one member one vote, decisions, surplus sharing."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from coop.datamap import ACTOR, HMRC, SIX_YEARS, WHILE_MEMBER, Personal, declare, keep, neutral
from coop.db import Base, UTCDateTime
from coop.i18n import N_
from coop.i18n import gettext as _
from coop.members.models import Member
from coop.money import format_percent
from coop.timeutil import utcnow


class ProposalKind(StrEnum):
    GENERAL = "general"
    APPOINT_COORDINATOR = "appoint_coordinator"  # carried: the member becomes a coordinator
    DISTRIBUTE_SURPLUS = "distribute_surplus"  # carried: the surplus is shared by hours worked


class ProposalStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"


class VoteChoice(StrEnum):
    FOR = "for"
    AGAINST = "against"
    ABSTAIN = "abstain"


# A vote as the voter reads it ("You voted: for"), translated where shown.
VOTE_WORDS = {VoteChoice.FOR: N_("for"), VoteChoice.AGAINST: N_("against"), VoteChoice.ABSTAIN: N_("abstain")}


class Proposal(Base):
    __tablename__ = "proposal"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20), default="general")
    subject_member_id: Mapped[int | None] = mapped_column(ForeignKey("member.id"))  # appoint coordinator
    surplus_pence: Mapped[int | None] = mapped_column(Integer)  # distribute surplus
    surplus_year: Mapped[int | None] = mapped_column(Integer)
    created_by_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(10), default="open")  # open | closed
    outcome: Mapped[str] = mapped_column(String(12), default="")  # passed | rejected | not_decided
    votes_for: Mapped[int] = mapped_column(Integer, default=0)
    votes_against: Mapped[int] = mapped_column(Integer, default=0)
    votes_abstain: Mapped[int] = mapped_column(Integer, default=0)
    eligible_voters: Mapped[int] = mapped_column(Integer, default=0)
    outcome_statement: Mapped[str] = mapped_column(Text, default="")
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when the closing job ran
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # What was decided, in words, written by the proposer or a coordinator after voting closes.
    decision_text: Mapped[str] = mapped_column(Text, default="")
    decision_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    decision_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    created_by: Mapped[Member] = relationship(foreign_keys=[created_by_id], lazy="joined")
    subject_member: Mapped[Member | None] = relationship(foreign_keys=[subject_member_id], lazy="joined")

    @property
    def outcome_parts(self) -> tuple[str, str]:
        """The result in the reader's words: its name ("Passed") and the count behind it. The
        stored statement is the English record; this is made again from the counts when shown."""
        # Counts of members stay below a thousand: plain digits read the same in every language here.
        counts = {
            "cast": self.votes_for + self.votes_against + self.votes_abstain,
            "eligible": self.eligible_voters,
            "yes": self.votes_for,
            "no": self.votes_against,
            "abstained": self.votes_abstain,
        }
        if self.outcome == "passed":
            return _("Passed"), _("%(yes)s for, %(no)s against, %(abstained)s abstained.", **counts)
        if self.outcome == "rejected":
            return _("Not passed"), _("%(yes)s for, %(no)s against, %(abstained)s abstained.", **counts)
        quorum = _QUORUM.search(self.outcome_statement or "")
        if self.outcome == "not_decided" and quorum:
            return _("Not decided"), _(
                "%(cast)s of %(eligible)s members voted, fewer than the quorum of %(quorum)s.",
                quorum=format_percent(quorum.group(1)),
                **counts,
            )
        return "", self.outcome_statement

    @property
    def outcome_words(self) -> str:
        """The result as one line: "Passed: 3 for, 1 against, 0 abstained." in English."""
        label, detail = self.outcome_parts
        return _("%(outcome)s: %(detail)s", outcome=label, detail=detail) if label else detail

    __table_args__ = (
        CheckConstraint(
            "kind IN ('general', 'appoint_coordinator', 'distribute_surplus')", name="kind_known"
        ),
        CheckConstraint("status IN ('open', 'closed')", name="status_known"),
        CheckConstraint(
            "kind != 'appoint_coordinator' OR subject_member_id IS NOT NULL", name="appoint_has_member"
        ),
        CheckConstraint(
            "kind != 'distribute_surplus' OR (surplus_pence > 0 AND surplus_year IS NOT NULL)",
            name="surplus_has_amount",
        ),
    )


_QUORUM = re.compile(r"quorum of (\d+)%")


class Vote(Base):
    __tablename__ = "vote"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    choice: Mapped[str] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        UniqueConstraint("proposal_id", "member_id"),  # one member, one vote
        CheckConstraint("choice IN ('for', 'against', 'abstain')", name="choice_known"),
    )


COMMENT_MAX = 4000


class ProposalComment(Base):
    """A member's plain-text comment in a proposal's discussion. The author may edit it for 15
    minutes; a coordinator may hide it, and the reason is shown in its place."""

    __tablename__ = "proposal_comment"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id", ondelete="CASCADE"), index=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    hidden_reason: Mapped[str] = mapped_column(String(300), default="")

    member: Mapped[Member] = relationship(lazy="joined")

    __table_args__ = (
        CheckConstraint(f"length(body) BETWEEN 1 AND {COMMENT_MAX}", name="body_length"),
        CheckConstraint("hidden_at IS NULL OR length(hidden_reason) > 0", name="hidden_has_reason"),
    )


class ShareStatus(StrEnum):
    PENDING = "pending"
    PAID = "paid"
    DEFERRED = "deferred"


class SurplusShare(Base):
    """A member's share of a distributed surplus, in proportion to hours worked that year. It is
    paid through pay (so it counts toward limits); a member whose limit it would break may defer."""

    __tablename__ = "surplus_share"

    id: Mapped[int] = mapped_column(primary_key=True)
    proposal_id: Mapped[int] = mapped_column(ForeignKey("proposal.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    minutes: Mapped[int] = mapped_column(Integer)
    amount_pence: Mapped[int] = mapped_column(Integer)
    taken_pence: Mapped[int] = mapped_column(Integer, default=0)  # put into pay so far
    status: Mapped[str] = mapped_column(String(10), default="pending")  # pending | paid | deferred
    adjustment_id: Mapped[int | None] = mapped_column(ForeignKey("pay_adjustment.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    proposal: Mapped[Proposal] = relationship(lazy="joined")

    __table_args__ = (
        UniqueConstraint("proposal_id", "member_id"),
        CheckConstraint("amount_pence >= 0", name="non_negative"),
        CheckConstraint("taken_pence BETWEEN 0 AND amount_pence", name="taken_within_share"),
        CheckConstraint("status IN ('pending', 'paid', 'deferred')", name="status_known"),
    )


ERASED_COMMENT = "(This comment was removed when its author asked for their details to be erased.)"

declare(
    Proposal,
    Personal(
        what="Proposals, elections and decisions, and who made them",
        why="one member, one vote: the co-op governs itself",
        kept="for as long as the co-op keeps its decisions",
        owner="",
        columns={
            "text": keep("a decision of the co-op"),
            "subject_member_id": keep("who was elected, a decision of the co-op"),
            "created_by_id": keep("who proposed it; shown as Former member N after erasure"),
            "outcome_statement": keep("a decision of the co-op"),
            "decision_text": keep("a decision of the co-op"),
            "decision_by_id": ACTOR,
        },
    ),
)
declare(
    Vote,
    Personal(
        what="How each member voted",
        why="one member, one vote",
        kept="with the proposal; the vote stays so the count stays right, under the placeholder",
        owner="member_id",
        columns={"member_id": keep("the count of a decision stays right")},
        rows=keep("the count of a decision stays right"),
        export=("proposal_id", "choice", "updated_at"),
        export_as="votes",
    ),
)
declare(
    ProposalComment,
    Personal(
        what="What members wrote in discussions",
        why="to discuss proposals",
        kept=WHILE_MEMBER + "; the text is replaced at erasure so the discussion keeps its shape",
        owner="member_id",
        columns={
            "member_id": keep("the discussion's shape; shown as Former member N"),
            "body": neutral(ERASED_COMMENT, "a note that it was removed"),
            "hidden_by_id": ACTOR,
            "hidden_reason": neutral(""),
        },
        export=("proposal_id", "body", "created_at", "edited_at", "hidden_at", "hidden_reason"),
        export_as="proposal_comments",
    ),
)
declare(
    SurplusShare,
    Personal(
        what="Each member's share of the surplus",
        why="to pay shares by hours worked",
        kept=SIX_YEARS,
        owner="member_id",
        columns={"member_id": keep(HMRC), "adjustment_id": keep(HMRC)},
        rows=keep(HMRC),
        purge=True,
        export=("proposal_id", "minutes", "amount_pence", "taken_pence", "status", "decided_at"),
        export_as="surplus_shares",
    ),
)
