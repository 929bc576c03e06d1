"""Members have their say: proposals, votes, the decisions log, and surplus shares."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from coop.access import roles
from coop.caps.service import CapWarning
from coop.db import db
from coop.errors import DomainError
from coop.governance import service
from coop.governance.forms import ProposalForm, ShareForm, TakeShareForm, VoteForm
from coop.money import parse_pounds, pounds_field
from coop.timeutil import format_date, today_london
from coop.web import current_member, form_error

bp = Blueprint("governance", __name__)
Page = str | Response


@bp.route("/say")
@roles("member")
def index() -> Page:
    service.close_due(db.session)
    member = current_member()
    proposals = service.open_proposals(db.session)
    mine = {p.id: service.my_vote(db.session, member, p.id) for p in proposals}
    return render_template(
        "governance/index.html", proposals=proposals, mine=mine, decisions=service.decisions(db.session)[:5]
    )


@bp.route("/proposals/new", methods=["GET", "POST"])
@roles("member")
def new() -> Page:
    member = current_member()
    form = ProposalForm(closes_on=today_london() + timedelta(days=7))
    form.subject_member_id.choices = [(0, "Nobody")] + [
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
            try:
                proposal = service.create_proposal(db.session, member, data, today=today_london())
            except DomainError as e:
                db.session.rollback()
                form_error(form, e)
            else:
                flash("Your proposal is open for votes. Every member has been emailed.", "success")
                return redirect(url_for("governance.proposal", proposal_id=proposal.id))
    return render_template("governance/new.html", form=form)


@bp.route("/proposals/<int:proposal_id>", methods=["GET", "POST"])
@roles("member")
def proposal(proposal_id: int) -> Page:
    service.close_due(db.session)
    member = current_member()
    p = service.get_proposal(db.session, proposal_id)
    current = service.my_vote(db.session, member, proposal_id)
    form = VoteForm(choice=current or None)
    if request.method == "POST" and form.validate_on_submit():
        try:
            service.cast_vote(db.session, member, proposal_id, form.choice.data or "")
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
        else:
            flash("Your vote is counted. You can change it until voting closes.", "success")
        return redirect(url_for("governance.proposal", proposal_id=proposal_id))
    return render_template(
        "governance/proposal.html",
        p=p,
        form=form,
        current=current,
        counts=service.tally(db.session, proposal_id) if p.status == "closed" else None,
    )


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
            try:
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
                    accept_cap_warning=form.confirm.data == "yes",
                )
            except CapWarning as w:
                db.session.rollback()
                return render_template(
                    "rota/confirm_over_limit.html",
                    heading="Check before you take your share",
                    message=w.message,
                    url=url_for("governance.share_action", share_id=share_id, action="take"),
                    back=url_for("governance.my_surplus"),
                    extra={"amount": form.amount.data or "", "parts": form.parts.data or 1},
                )
            except DomainError as e:
                db.session.rollback()
                flash(e.message, "error")
            else:
                days = ", ".join(format_date(a.pay_on) for a in made if a.pay_on)
                flash(f"Done. It will be paid on {days}.", "success")
        else:
            flash("Choose how many pay days, from 1 to 6, and an amount like 25.00.", "error")
    elif action == "defer" and ShareForm().validate_on_submit():
        try:
            service.defer_share(db.session, member, share_id)
            flash("Your share is kept for you. Take it whenever it suits you.", "success")
        except DomainError as e:
            db.session.rollback()
            flash(e.message, "error")
    return redirect(url_for("governance.my_surplus"))
