"""Members have their say: proposals, votes, the decisions log, and surplus shares."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from coop.access import roles
from coop.auth.signed_in import current_member
from coop.errors import DomainError
from coop.extensions import db
from coop.governance import service
from coop.governance.forms import (
    CommentForm,
    DecisionForm,
    HideCommentForm,
    ProposalEmailsForm,
    ProposalForm,
    ShareForm,
    TakeShareForm,
    VoteForm,
)
from coop.governance.models import VOTE_WORDS, Proposal, ProposalComment
from coop.i18n import gettext as _
from coop.members.service import member_for_user
from coop.money import parse_pounds, pounds_field
from coop.timeutil import format_date, today_london, utcnow
from coop.web import confirm_over_limit, form_error, refusals

bp = Blueprint("governance", __name__)
Page = str | Response


@bp.route("/say")
@roles("member")
def index() -> Page:
    service.close_due(db.session)
    member = current_member()
    proposals = service.open_proposals(db.session)
    mine = {p.id: service.my_vote(db.session, member, p.id) for p in proposals}
    wanted = service.wants_proposal_emails(db.session, member)
    return render_template(
        "governance/index.html",
        proposals=proposals,
        mine=mine,
        decisions=service.decisions(db.session)[:5],
        emails_form=ProposalEmailsForm(wanted="yes" if wanted else "no"),
        vote_words=VOTE_WORDS,
    )


@bp.route("/say/emails", methods=["POST"])
@roles("member")
def emails() -> Page:
    form = ProposalEmailsForm()
    if form.validate_on_submit():
        wanted = form.wanted.data == "yes"
        service.set_proposal_emails(db.session, current_member(), wanted)
        flash(
            _("Saved: we will email you about new proposals and results.")
            if wanted
            else _("Saved: no emails about proposals. They are always here on this page."),
            "success",
        )
    else:
        flash(_("Choose yes or no."), "error")
    return redirect(url_for("governance.index"))


@bp.route("/proposals/new", methods=["GET", "POST"])
@roles("member")
def new() -> Page:
    member = current_member()
    form = ProposalForm(closes_on=today_london() + timedelta(days=7))
    form.subject_member_id.choices = [(0, _("Nobody"))] + [
        (m.id, m.display_name) for m in service.coordinator_candidates(db.session)
    ]
    if form.validate_on_submit():
        try:
            surplus = parse_pounds(form.surplus.data) if form.surplus.data else None
        except ValueError as e:
            form_error(form, DomainError(str(e), field="surplus"))
        else:
            assert form.closes_on.data
            data = service.ProposalData(
                title=form.title.data or "",
                text=form.text.data or "",
                closes_on=form.closes_on.data,
                kind=form.kind.data or "general",
                subject_member_id=form.subject_member_id.data or None,
                surplus_pence=surplus,
                surplus_year=form.surplus_year.data,
            )
            with refusals(form) as done:
                proposal = service.create_proposal(db.session, member, data, today=today_london())
            if done.ok:
                flash(
                    _(
                        "Your proposal is open for votes. "
                        "Members who get emails about proposals have been told."
                    ),
                    "success",
                )
                return redirect(url_for("governance.proposal", proposal_id=proposal.id))
    return render_template("governance/new.html", form=form)


def _proposal_page(proposal: Proposal, **forms: object) -> str:
    """The proposal, its discussion and result, with whichever form came back with errors."""
    member = member_for_user(db.session, current_user.id)
    current = service.my_vote(db.session, member, proposal.id) if member else ""
    is_coordinator = current_user.has_role("coordinator")
    comments, now = service.comments(db.session, proposal.id), utcnow()
    defaults: dict[str, object] = {
        "form": VoteForm(choice=current or None),
        "comment_form": CommentForm(formdata=None),
        "hide_form": HideCommentForm(formdata=None),
        "blank_hide_form": HideCommentForm(formdata=None),
        "hide_id": None,
        "decision_form": DecisionForm(formdata=None, text=proposal.decision_text),
    }
    defaults.update(forms)
    return render_template(
        "governance/proposal.html",
        p=proposal,
        member=member,
        current=current,
        comments=comments,
        editable={c.id for c in comments if member and service.can_edit(c, member.id, now)},
        is_coordinator=is_coordinator,
        can_decide=service.can_record_decision(proposal, current_user.id, is_coordinator),
        vote_words=VOTE_WORDS,
        **defaults,
    )


@bp.route("/proposals/<int:proposal_id>", methods=["GET", "POST"])
@roles("member", "coordinator")
def proposal(proposal_id: int) -> Page:
    service.close_due(db.session)
    p = service.get_proposal(db.session, proposal_id)
    if request.method == "POST":
        member = current_member()
        form = VoteForm()
        if form.validate_on_submit():
            with refusals() as done:
                service.cast_vote(db.session, member, proposal_id, form.choice.data or "")
            if done.ok:
                flash(_("Your vote is counted. You can change it until voting closes."), "success")
            return redirect(url_for("governance.proposal", proposal_id=proposal_id))
        return _proposal_page(p, form=form)
    return _proposal_page(p)


@bp.route("/proposals/<int:proposal_id>/comments", methods=["POST"])
@roles("member")
def comment(proposal_id: int) -> Page:
    member = current_member()
    p = service.get_proposal(db.session, proposal_id)
    form = CommentForm()
    if form.validate_on_submit():
        with refusals(form) as done:
            c = service.add_comment(db.session, member, proposal_id, form.body.data or "")
        if done.ok:
            flash(_("Your comment is posted."), "success")
            return redirect(url_for("governance.proposal", proposal_id=proposal_id, _anchor=f"c-{c.id}"))
    return _proposal_page(p, comment_form=form)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
@roles("member")
def edit_comment(comment_id: int) -> Page:
    member = current_member()
    c = db.session.get(ProposalComment, comment_id)
    if c is None or c.member_id != member.id:
        abort(404)
    form = CommentForm(body=c.body)
    form.submit.label.text = _("Save changes")
    if form.validate_on_submit():
        with refusals(form) as done:
            service.edit_comment(db.session, member, comment_id, form.body.data or "")
        if done.ok:
            flash(_("Your comment is changed."), "success")
            return redirect(url_for("governance.proposal", proposal_id=c.proposal_id, _anchor=f"c-{c.id}"))
    return render_template("governance/edit_comment.html", form=form, c=c)


@bp.route("/comments/<int:comment_id>/hide", methods=["POST"])
@roles("coordinator")
def hide_comment(comment_id: int) -> Page:
    c = db.session.get(ProposalComment, comment_id)
    if c is None:
        abort(404)
    p = service.get_proposal(db.session, c.proposal_id)
    form = HideCommentForm()
    if form.validate_on_submit():
        with refusals(form) as done:
            service.hide_comment(db.session, comment_id, form.reason.data or "", actor_id=current_user.id)
        if done.ok:
            flash(_("The comment is hidden; your reason is shown in its place."), "success")
            return redirect(url_for("governance.proposal", proposal_id=p.id, _anchor=f"c-{comment_id}"))
    return _proposal_page(p, hide_form=form, hide_id=comment_id)


@bp.route("/proposals/<int:proposal_id>/decision", methods=["POST"])
@roles("member", "coordinator")
def decision(proposal_id: int) -> Page:
    p = service.get_proposal(db.session, proposal_id)
    is_coordinator = current_user.has_role("coordinator")
    if not service.can_record_decision(p, current_user.id, is_coordinator):
        abort(403)
    form = DecisionForm()
    if form.validate_on_submit():
        with refusals(form) as done:
            service.record_decision(
                db.session,
                proposal_id,
                form.text.data or "",
                user_id=current_user.id,
                is_coordinator=is_coordinator,
            )
        if done.ok:
            flash(_("The outcome is saved and shown in the decisions log."), "success")
            return redirect(url_for("governance.proposal", proposal_id=proposal_id))
    return _proposal_page(p, decision_form=form)


@bp.route("/decisions")
@roles("member", "coordinator")
def decisions() -> Page:
    service.close_due(db.session)
    return render_template("governance/decisions.html", decisions=service.decisions(db.session))


@bp.route("/my/surplus")
@roles("member")
def my_surplus() -> Page:
    member = current_member()
    today = today_london()
    shares = [
        (s, service.share_options(db.session, member, s, today))
        for s in service.my_shares(db.session, member)
    ]
    return render_template(
        "governance/surplus.html",
        shares=shares,
        form=ShareForm(),
        take_form=TakeShareForm(),
        max_parts=service.MAX_PARTS,
    )


@bp.route("/my/surplus/<int:share_id>/<action>", methods=["POST"])
@roles("member")
def share_action(share_id: int, action: str) -> Page:
    member = current_member()
    if action == "take":
        form = TakeShareForm()
        if form.validate_on_submit():
            with refusals(over_limit=True) as done:
                amount = (
                    pounds_field(form.amount.data, "amount") if (form.amount.data or "").strip() else None
                )
                made = service.take_share(
                    db.session,
                    member,
                    share_id,
                    today=today_london(),
                    amount_pence=amount,
                    parts=form.parts.data or 1,
                    accept_limit_warning=form.confirm.data == "yes",
                )
            if done.over_limit:
                return confirm_over_limit(
                    done.over_limit,
                    heading=_("Check before you take your share"),
                    url=url_for("governance.share_action", share_id=share_id, action="take"),
                    back=url_for("governance.my_surplus"),
                    extra={"amount": form.amount.data or "", "parts": form.parts.data or 1},
                )
            if done.ok:
                days = ", ".join(format_date(a.pay_on) for a in made if a.pay_on)
                flash(_("Done. It will be paid on %(days)s.", days=days), "success")
        else:
            flash(_("Choose how many pay days, from 1 to 6, and an amount like 25.00."), "error")
    elif action == "defer" and ShareForm().validate_on_submit():
        with refusals() as done:
            service.defer_share(db.session, member, share_id)
            flash(_("Your share is kept for you. Take it whenever it suits you."), "success")
    return redirect(url_for("governance.my_surplus"))
