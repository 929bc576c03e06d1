"""Cover: "I can't make it" and "running late" for members, answering a cover request, members'
cover choices, the coordinators' cover board, and the client's choice when a visit is short."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response as WResponse

from coop.access import roles
from coop.auth.signed_in import current_client, current_member
from coop.cover import service as cover
from coop.cover.forms import AskForm, ClientChoiceForm, CoverChoicesForm, LateForm
from coop.errors import DomainError
from coop.extensions import db
from coop.i18n import gettext as _
from coop.i18n import ngettext
from coop.members.service import member_for_user
from coop.rota import service as rota
from coop.rota.forms import ConfirmActionForm
from coop.timeutil import utcnow
from coop.web import confirm_over_limit, db_id, refusals

bp = Blueprint("cover", __name__)
Page = str | WResponse


@bp.app_template_global("cover_shown")
def cover_shown(n: int) -> str:
    """A cover count in words, "fewer than 5" for 1 to 4 (every page showing cover figures)."""
    return cover.shown(n)


@bp.route("/assignments/<int:assignment_id>/drop", methods=["GET", "POST"])
@roles("member")
def cant_make_it(assignment_id: int) -> Page:
    """ "I can't make it": first a page that says what happens next, then letting it go."""
    member = current_member()
    if request.method == "GET":
        assignment = rota.my_assignment(db.session, member.id, assignment_id)
        return render_template(
            "cover/cant_make_it.html",
            assignment=assignment,
            soon=rota.drop_is_late(db.session, assignment.shift),
            started=assignment.shift.starts_at <= utcnow(),
            form=ConfirmActionForm(),
        )
    if ConfirmActionForm().validate_on_submit():
        with refusals() as done:
            result = cover.cant_make_it(db.session, member.id, assignment_id)
        if done.ok:
            if result.started:
                words = _(
                    "Thank you for letting us know. The coordinators have been told. Look after yourself."
                )
            elif result.late:
                words = _(
                    "Thank you for letting us know. We are asking other members to cover it, and the "
                    "coordinators have been told. There is nothing more you need to do. Look after yourself."
                )
            else:
                words = _(
                    "Thank you for letting us know. The shift is open for someone else to take. "
                    "Look after yourself."
                )
            flash(words, "success")
    return redirect(url_for("rota.my_shifts"))


@bp.route("/assignments/<int:assignment_id>/late", methods=["GET", "POST"])
@roles("member")
def running_late(assignment_id: int) -> Page:
    member = current_member()
    assignment = rota.my_assignment(db.session, member.id, assignment_id)
    form = LateForm()
    if form.validate_on_submit():
        with refusals(form) as done:
            told = cover.running_late(db.session, member.id, assignment_id, int(form.minutes.data or 0))
        if done.ok:
            if told:
                flash(
                    _("Thank you. The client and the coordinators have been told. No need to rush."),
                    "success",
                )
            else:
                flash(
                    _(
                        "You have already told us you are running late for this shift, and the client and "
                        "the coordinators know. No need to tell them again, and no need to rush.",
                    ),
                    "success",
                )
            return redirect(url_for("rota.my_shifts"))
    return render_template("cover/late.html", assignment=assignment, form=form)


@bp.route("/cover/offers/<int:offer_id>")
@roles("member")
def offer(offer_id: int) -> Page:
    member = current_member()
    found = cover.offer_for(db.session, member.id, offer_id)
    return render_template("cover/offer.html", offer=found, form=ConfirmActionForm())


@bp.route("/cover/offers/<int:offer_id>/answer", methods=["POST"])
@roles("member")
def answer(offer_id: int) -> Page:
    member = current_member()
    form = ConfirmActionForm()
    if not form.validate_on_submit():
        return redirect(url_for("cover.offer", offer_id=offer_id))
    yes = request.form.get("answer") == "yes"
    with refusals(over_limit=True, show=False) as done:
        if yes:
            cover.accept(db.session, member.id, offer_id, accept_limit_warning=form.confirm.data == "yes")
        else:
            cover.decline(db.session, member.id, offer_id)
    if done.over_limit:
        return confirm_over_limit(
            done.over_limit,
            url=url_for("cover.answer", offer_id=offer_id),
            back=url_for("cover.offer", offer_id=offer_id),
            extra={"answer": "yes"},
        )
    if done.error:
        found = cover.offer_for(db.session, member.id, offer_id)
        return render_template("cover/answered.html", offer=found, message=done.error.message)
    if yes:
        flash(_("Thank you! The shift is yours. It is on your list below."), "success")
        return redirect(url_for("rota.my_shifts"))
    flash(_("No problem. Saying no is always fine."), "success")
    return redirect(url_for("home.dashboard"))


@bp.route("/cover/choices", methods=["GET", "POST"])
@roles("member")
def choices() -> Page:
    """A member's own choices about cover requests."""
    member = current_member()
    prefs = cover.preferences_of(db.session, member.id)
    form = CoverChoicesForm(
        data={
            "requests_on": prefs.requests_on,
            "weekdays": [str(d) for d in sorted(prefs.days())],
            "min_notice_hours": str(prefs.min_notice_hours),
        }
        if request.method == "GET"
        else None
    )
    if form.validate_on_submit():
        with refusals(form) as done:
            cover.save_preferences(
                db.session,
                member.id,
                requests_on=bool(form.requests_on.data),
                weekdays=[int(d) for d in form.weekdays.data or []],
                min_notice_hours=int(form.min_notice_hours.data or 0),
            )
        if done.ok:
            flash(_("Saved. We will ask you to cover only as you chose."), "success")
            return redirect(url_for("cover.choices"))
    return render_template("cover/choices.html", form=form)


@bp.route("/cover")
@roles("coordinator")
def board() -> Page:
    cards = cover.open_cases(db.session)
    names = cover.members_with_skills(db.session, {c.case.shift.service.skill_id for c in cards})
    me = member_for_user(db.session, current_user.id)
    return render_template(
        "cover/board.html", cards=cards, names=names, me=me, form=ConfirmActionForm(), ask=AskForm
    )


def _board_action(action: str, case_id: int) -> Page:
    if not ConfirmActionForm().validate_on_submit():
        return redirect(url_for("cover.board"))
    try:
        named = db_id(request.form.get("member_id", "")) if action == "ask" else 0
    except ValueError:
        flash(_("Choose a member from the list."), "error")
        return redirect(url_for("cover.board"))
    with refusals() as done:
        if action == "widen":
            asked = cover.widen(db.session, case_id)
            words = ngettext("Asked %(num)s more member.", "Asked %(num)s more members.", asked)
        elif action == "ask":
            cover.offer_named(db.session, case_id, named)
            words = _("Asked. They will see it in their email and on their home page.")
        else:
            me = member_for_user(db.session, current_user.id)
            if me is None:
                raise DomainError(_("Only a coordinator who is also a member can take a place."))
            cover.claim_myself(db.session, case_id, me.id)
            words = _("The place is yours. Thank you.")
    if done.ok:
        flash(words, "success")
    return redirect(url_for("cover.board"))


@bp.route("/cover/<int:case_id>/widen", methods=["POST"])
@roles("coordinator")
def widen(case_id: int) -> Page:
    return _board_action("widen", case_id)


@bp.route("/cover/<int:case_id>/ask", methods=["POST"])
@roles("coordinator")
def ask(case_id: int) -> Page:
    return _board_action("ask", case_id)


@bp.route("/cover/<int:case_id>/fill", methods=["POST"])
@roles("coordinator")
def fill(case_id: int) -> Page:
    return _board_action("fill", case_id)


@bp.route("/bookings/cover/<int:case_id>", methods=["GET", "POST"])
@roles("client")
def client_choice(case_id: int) -> Page:
    """The client's choice when a visit is still short of people."""
    client = current_client()
    case = cover.case_for_client(db.session, client.id, case_id)
    form = ClientChoiceForm()
    form.choice.choices = cover.choices_for(case)
    if not case.client_choice and form.validate_on_submit():
        with refusals(form) as done:
            cover.choose(db.session, client.id, case_id, form.choice.data or "", actor_id=current_user.id)
        if done.ok:
            flash(_("Thank you. We have your choice, and the coordinators have been told."), "success")
            return redirect(url_for("cover.client_choice", case_id=case_id))
        case = cover.case_for_client(db.session, client.id, case_id)
    return render_template(
        "cover/client_choice.html", case=case, form=form, chosen=cover.CHOICES.get(case.client_choice)
    )
