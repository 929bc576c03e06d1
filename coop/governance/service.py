"""The governance area's operations in one place, for views and tests; each lives in the module
named for what it holds (proposals, surplus, discussion)."""

from __future__ import annotations

from coop.governance.discussion import (  # noqa: F401
    EDIT_WINDOW,
    add_comment,
    can_edit,
    comments,
    edit_comment,
    hide_comment,
)
from coop.governance.proposals import (  # noqa: F401
    DECISION_MAX,
    KINDS,
    ProposalData,
    can_record_decision,
    cast_vote,
    close,
    close_due,
    coordinator_candidates,
    create_proposal,
    decisions,
    get_proposal,
    mailing_list,
    my_vote,
    open_proposals,
    record_decision,
    remind_non_voters,
    set_proposal_emails,
    tally,
    voters,
    wants_proposal_emails,
)
from coop.governance.surplus import (  # noqa: F401
    MAX_PARTS,
    ShareOptions,
    defer_share,
    my_shares,
    share_options,
    surplus_shares,
    take_share,
)
