"""A person's language and reading style are theirs: in their data download, and reset by
erasure."""

from __future__ import annotations

import json

from sqlalchemy import select

from coop.mail.models import OutboxMessage
from coop.members.models import Member
from coop.privacy import erasure
from tests import factories


def test_the_download_shows_the_choice_and_erasure_resets_it(session, web):
    coordinator = factories.coordinator(session)
    member = factories.member(session, email="sam@example.org")
    member.user.language = "en-XA"
    member.user.easy_read = True
    session.commit()
    web.login("sam@example.org")
    data = json.loads(web.get("/me/data.json").get_data(as_text=True))
    assert (data["account"]["language"], data["account"]["easy_read"]) == ("en-XA", True)

    req = erasure.request_erasure(session, member, actor_id=member.user_id)
    erasure.carry_out(session, req.id, actor_id=coordinator.id)
    session.expire_all()
    user = session.get(Member, member.id).user
    assert (user.language, user.easy_read) == ("en", False)
    [done] = session.scalars(select(OutboxMessage).where(OutboxMessage.to_address == "sam@example.org"))
    assert done.subject  # still sent to the address they had
