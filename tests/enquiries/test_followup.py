"""The helpline and following enquiries up: who may record calls and see which enquiries, the
queue and its ends (an invitation the person signs in through, an opportunity, closed), the
reminder sent once, and retention with the clock moved."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select

from coop.auth.service import find_user
from coop.cli import cli
from coop.directory.models import DirectoryEntry
from coop.enquiries import followup, service
from coop.enquiries.models import Enquiry, EnquiryNote, EnquiryTally
from coop.errors import DomainError, NotFound
from coop.mail.models import OutboxMessage
from coop.members.models import Member
from coop.privacy import erasure, export
from coop.timeutil import bank_holiday, is_working_day, today_london, utcnow, working_days_after
from tests import factories
from tests.conftest import PASSWORD
from tests.enquiries.helpers import FORM, data, emails_to, helpline_member, link_for

CALL = {k: v for k, v in FORM.items() if k != "website"} | {
    "said": "Wants to try gardening. I said we call back Friday."
}


def _web_enquiry(session, n: int = 1, **kw) -> Enquiry:
    found = service.receive(session, data(**kw), ip=f"10.0.0.{n}", link_for=link_for)
    assert found is not None
    return found


def test_a_member_on_a_helpline_shift_records_a_call_and_sees_only_their_own(session, make_web):
    member = helpline_member(session)
    other = _web_enquiry(session, name="Someone else", email="else@example.org")
    web = make_web()
    web.login("helper@example.org")
    assert "Record a call" in web.get("/helpline").get_data(as_text=True)
    r = web.post("/helpline", CALL)
    assert r.status_code == 302
    session.rollback()
    call = session.scalar(select(Enquiry).where(Enquiry.channel == "phone"))
    assert call.taken_by_id == member.user_id and call.assigned_to_id == member.user_id
    [note] = call.notes
    assert note.kind == "call" and "call back Friday" in note.body
    page = web.get("/helpline").get_data(as_text=True)
    assert f"/enquiries/{call.id}" in page and "Someone else" not in page
    assert web.get(f"/enquiries/{call.id}").status_code == 200
    assert web.get(f"/enquiries/{other.id}").status_code == 404
    assert web.get("/enquiries").status_code == 403  # the whole queue is for coordinators
    # A note from the member on their own enquiry stops the waiting clock.
    assert (
        web.post(
            f"/enquiries/{call.id}/note", {"note-body": "Called back.", "note-contacted": "y"}
        ).status_code
        == 302
    )
    session.rollback()
    assert session.get(Enquiry, call.id).status == "contacted"


def test_a_member_without_a_helpline_shift_today_records_nothing_and_sees_nothing(session, make_web):
    member = helpline_member(session, today_shift=False)
    given_to = _web_enquiry(session)
    given_to.assigned_to_id = member.user_id
    session.commit()
    web = make_web()
    web.login("helper@example.org")
    page = web.get("/helpline").get_data(as_text=True)
    assert "on a day you hold a helpline shift" in page and "Robin" not in page
    web.post("/helpline", CALL)
    assert web.get(f"/enquiries/{given_to.id}").status_code == 404
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Enquiry).where(Enquiry.channel == "phone")) == 0
    with pytest.raises(DomainError, match="helpline shift today"):
        service.record_call(
            session, data(), "said", actor_id=member.user_id, today=today_london(), link_for=link_for
        )


def test_a_coordinator_follows_up_and_invites_a_person_who_then_signs_in(session, make_web):
    coord = factories.coordinator(session, "coord@example.org")
    helper = helpline_member(session)
    enquiry = _web_enquiry(session, name="Robin Ash", email="robin@example.org")
    web = make_web()
    web.login("coord@example.org")
    queue = web.get("/enquiries").get_data(as_text=True)
    assert "Robin Ash" in queue and "A hospital ward" in queue
    assert web.post(f"/enquiries/{enquiry.id}/assign", {"assign-user_id": helper.user_id}).status_code == 302
    session.rollback()
    assert session.get(Enquiry, enquiry.id).assigned_to_id == helper.user_id
    huge = web.post(  # a skill id no row can have: refused on the form, not a server error
        f"/enquiries/{enquiry.id}/invite",
        {"invite-display_name": "Robin Ash", "invite-email": "robin@example.org", "invite-skills": 10**30},
    )
    assert huge.status_code == 400 and "There is a problem" in huge.get_data(as_text=True)
    session.rollback()
    assert session.get(Enquiry, enquiry.id).member_id is None
    r = web.post(
        f"/enquiries/{enquiry.id}/invite",
        {"invite-display_name": "Robin Ash", "invite-email": "robin@example.org"},
    )
    assert r.status_code == 302
    session.rollback()
    ended = session.get(Enquiry, enquiry.id)
    member = session.get(Member, ended.member_id)
    assert ended.status == "invited" and member.display_name == "Robin Ash"
    assert [n.kind for n in ended.notes] == ["assigned", "invited"] and ended.notes[-1].author_id == coord.id
    invitation = next(e for e in emails_to(session, "robin@example.org") if "invited" in e.subject)
    [path] = re.findall(r"http://coop\.test(/invite/\S+)", invitation.body)
    newcomer = make_web()
    assert newcomer.get(path).status_code == 200
    set_pw = newcomer.post(path, {"password": PASSWORD, "confirm": PASSWORD})
    assert set_pw.status_code == 302
    assert newcomer.get("/home").status_code == 200
    # An ended enquiry takes no more ends.
    again = web.post(f"/enquiries/{enquiry.id}/close", {"close-note": ""})
    assert "already ended" in again.get_data(as_text=True)


def test_pointed_to_an_opportunity_or_closed_at_their_wish(session):
    coord = factories.coordinator(session)
    entry = DirectoryEntry(
        category="course", name="Cooking course", contact="x", review_date=date(2099, 1, 1)
    )
    session.add(entry)
    session.commit()
    one, two = _web_enquiry(session, n=1), _web_enquiry(session, n=2, email="b@example.org")
    followup.point(session, one.id, entry.id, "They will ring the college.", actor_id=coord.id)
    followup.close(session, two.id, "They found a job.", actor_id=coord.id)
    session.rollback()
    assert (session.get(Enquiry, one.id).status, session.get(Enquiry, one.id).entry_id) == (
        "pointed",
        entry.id,
    )
    assert session.get(Enquiry, two.id).status == "closed" and session.get(Enquiry, two.id).ended_at
    with pytest.raises(DomainError, match="already ended"):
        followup.point(session, two.id, entry.id, "", actor_id=coord.id)


def test_an_invitation_needs_an_email_and_an_unused_one(session):
    coord = factories.coordinator(session)
    factories.member(session, email="taken@example.org")
    enquiry = _web_enquiry(session, email="", phone="07700 900123")
    for email, message in (("", "needs an email address"), ("taken@example.org", "already an account")):
        with pytest.raises(DomainError, match=message):
            followup.invite(
                session,
                enquiry.id,
                email=email,
                display_name="Robin",
                skill_ids=[],
                invite_link=lambda u: "x",
                actor_id=coord.id,
            )
        session.rollback()
    assert session.get(Enquiry, enquiry.id).status == "new"


def _backdate(session, enquiry: Enquiry, days: int) -> None:
    session.get(Enquiry, enquiry.id).created_at = utcnow() - timedelta(days=days)
    session.commit()


def test_an_enquiry_nobody_contacted_in_time_is_raised_on_home_and_emailed_once(session, make_web):
    factories.coordinator(session, "coord@example.org")
    late, fresh = _web_enquiry(session, n=1), _web_enquiry(session, n=2, email="b@example.org")
    _backdate(session, late, 10)
    today = today_london()
    assert followup.remind_overdue(session, today) == 1
    assert followup.remind_overdue(session, today) == 0  # once
    [email] = emails_to(session, "coord@example.org")
    assert "waiting to hear from us" in email.subject and "http://coop.test/enquiries" in email.body
    assert session.get(Enquiry, fresh.id).reminded_at is None
    web = make_web()
    web.login("coord@example.org")
    home = web.get("/home").get_data(as_text=True)
    assert "People who asked to join" in home and "1 waiting too long" in home
    # Contacted now: no longer waiting, never raised again.
    coord = find_user(session, "coord@example.org")
    followup.add_note(session, late.id, "Rang them.", contacted=True, actor=coord, today=today)
    assert followup.waiting_counts(session, today) == (1, 0)


@given(
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), st.integers(min_value=1, max_value=15)
)
def test_working_days_skip_weekends_and_bank_holidays(day, n):
    due = working_days_after(day, n)
    between = [day + timedelta(days=i) for i in range(1, (due - day).days + 1)]
    assert is_working_day(due) and sum(map(is_working_day, between)) == n
    assert all(d.weekday() < 5 and not bank_holiday(d) for d in between if is_working_day(d))


def test_three_working_days_after_the_friday_before_easter():
    assert working_days_after(date(2026, 4, 2), 3) == date(
        2026, 4, 9
    )  # Good Friday and Easter Monday skipped


def test_enquiries_that_did_not_lead_to_membership_are_deleted_after_the_setting(session):
    coord = factories.coordinator(session)
    old, kept, joined = (_web_enquiry(session, n=i, email=f"p{i}@example.org") for i in range(3))
    followup.invite(
        session,
        joined.id,
        email="p2@example.org",
        display_name="Joiner",
        skill_ids=[],
        invite_link=lambda u: "x",
        actor_id=coord.id,
    )
    _backdate(session, old, 200)
    _backdate(session, joined, 200)
    now = utcnow()
    assert followup.delete_expired(session, now) == 1
    session.rollback()
    assert session.get(Enquiry, old.id) is None
    assert session.get(Enquiry, kept.id) is not None and session.get(Enquiry, joined.id) is not None
    assert (
        session.scalar(select(func.count()).select_from(EnquiryNote).where(EnquiryNote.enquiry_id == old.id))
        == 0
    )
    assert session.scalar(select(EnquiryTally.enquiries)) == 1
    # The clock moved six months on: the one that came in today goes too; the member's stays.
    assert followup.delete_expired(session, now + timedelta(days=31 * 6 + 1)) == 1
    session.rollback()
    assert session.get(Enquiry, kept.id) is None and session.get(Enquiry, joined.id) is not None


def test_an_enquiry_is_in_the_members_download_and_goes_with_their_erasure(session):
    coord = factories.coordinator(session)
    enquiry_id = _web_enquiry(session, email="joiner@example.org").id
    member = followup.invite(
        session,
        enquiry_id,
        email="joiner@example.org",
        display_name="Joiner",
        skill_ids=[],
        invite_link=lambda u: "x",
        actor_id=coord.id,
    )
    download = export.member_data(session, member, actor_id=member.user_id)
    assert download["enquiry"][0]["work_interests"] == "Gardening"
    req = erasure.request_erasure(session, member, actor_id=member.user_id)
    erasure.carry_out(session, req.id, actor_id=coord.id)
    session.rollback()
    session.expunge_all()
    assert session.get(Enquiry, enquiry_id) is None
    with pytest.raises(NotFound):
        followup.get(session, enquiry_id)


def test_the_outbox_holds_no_forget_link_once_sent(session):
    _web_enquiry(session)
    [email] = session.scalars(select(OutboxMessage)).all()
    assert "/interested/forget/" in email.body  # until sent; then coop.mail keeps only the digest


def test_the_daily_job_raises_late_enquiries_and_deletes_old_ones(app, session):
    factories.coordinator(session, "coord@example.org")
    late, old = _web_enquiry(session, n=1), _web_enquiry(session, n=2, email="b@example.org")
    _backdate(session, late, 10)
    _backdate(session, old, 400)
    result = CliRunner().invoke(cli, ["enquiry-jobs"], obj=ScriptInfo(create_app=lambda: app))
    assert result.exit_code == 0, result.output
    assert "Raised 2 enquiry(ies) waiting too long; deleted 1 old enquiry(ies)." in result.output
    old_id, late_id = old.id, late.id
    session.rollback()
    session.expunge_all()
    assert session.get(Enquiry, old_id) is None and session.get(Enquiry, late_id).reminded_at is not None
