"""Member profiles, the member list and invitations, skills, and people and roles (admin)."""

from __future__ import annotations

import json

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask import Response as FlaskResponse
from flask_login import current_user
from werkzeug.wrappers import Response

from coop.access import roles
from coop.auth import service as auth
from coop.auth.models import User
from coop.auth.signed_in import current_member
from coop.errors import NotFound
from coop.extensions import db
from coop.i18n import gettext as _
from coop.members import service
from coop.members.forms import (
    CoordinatorMemberForm,
    InviteMemberForm,
    ProfileForm,
    ResendForm,
    RolesForm,
    SkillForm,
)
from coop.members.models import MemberStatus
from coop.privacy import erasure
from coop.privacy.export import member_data
from coop.settings import service as settings
from coop.settings.keys import K
from coop.web import ActionForm, db_id, refusals

bp = Blueprint("members", __name__)


def invite_link(user: User) -> str:
    token = auth.make_token(current_app.config["SECRET_KEY"], user, "invite")
    return str(current_app.config["BASE_URL"] + url_for("auth.accept_invite", token=token))


def _skill_choices() -> list[tuple[int, str]]:
    return [(s.id, s.name) for s in service.list_skills(db.session)]


@bp.route("/me", methods=["GET", "POST"])
@roles("member")
def my_profile() -> str | Response:
    member = current_member()
    form = ProfileForm(obj=member)
    if form.validate_on_submit():
        with refusals(form) as done:
            service.update_profile(
                db.session,
                member,
                display_name=form.display_name.data or "",
                pronouns=form.pronouns.data or "",
                phone=form.phone.data or "",
                status=form.status.data or "",
            )
        if done.ok:
            flash(_("Your profile is saved."), "success")
            return redirect(url_for("members.my_profile"))
    return render_template(
        "members/my_profile.html",
        form=form,
        member=member,
        erasure_request=erasure.open_request(db.session, member),
    )


@bp.route("/me/data.json")
@roles("member")
def my_data() -> Response:
    """Download everything the co-op holds about me."""

    member = current_member()
    body = json.dumps(member_data(db.session, member, actor_id=current_user.id), indent=2, ensure_ascii=False)
    return FlaskResponse(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": "attachment; filename=my-co-op-works-data.json"},
    )


@bp.route("/me/erase", methods=["POST"])
@roles("member")
def request_erasure() -> Response:
    if ActionForm().validate_on_submit():
        with refusals() as done:
            erasure.request_erasure(db.session, current_member(), actor_id=current_user.id)
        if done.ok:
            flash(_("We have your request. A coordinator will carry it out and email you."), "success")
    return redirect(url_for("members.my_profile"))


@bp.route("/me/erase/withdraw", methods=["POST"])
@roles("member")
def withdraw_erasure() -> Response:
    if ActionForm().validate_on_submit():
        erasure.withdraw(db.session, current_member(), actor_id=current_user.id)
        flash(_("You have withdrawn your request. Nothing has been erased."), "success")
    return redirect(url_for("members.my_profile"))


@bp.route("/erasure-requests")
@roles("coordinator")
def erasure_requests() -> str:
    return render_template("members/erasure.html", requests=erasure.waiting(db.session))


@bp.route("/erasure-requests/<int:request_id>/erase", methods=["GET", "POST"])
@roles("coordinator")
def carry_out_erasure(request_id: int) -> str | Response:
    """GET: what will go and what is kept, and why (from the data map); POST: erase."""
    req = erasure.waiting_request(db.session, request_id)
    form = ActionForm()
    if form.validate_on_submit():
        with refusals() as done:
            member = erasure.carry_out(db.session, request_id, actor_id=current_user.id)
        if done.ok:
            flash(
                _(
                    "Done. Their details are erased; the records are now under “%(name)s”.",
                    name=member.display_name,
                ),
                "success",
            )
        return redirect(url_for("members.erasure_requests"))
    return render_template("members/erase_confirm.html", req=req, form=form, fates=erasure.what_happens())


MEMBERS_PAGE = 100


@bp.route("/members")
@roles("coordinator")
def directory() -> str:
    status = request.args.get("status", "")
    skill_id = request.args.get("skill", type=db_id)
    page = request.args.get("page", 1, type=db_id)
    chosen = status if status in set(MemberStatus) else None
    members = service.list_members(
        db.session, status=chosen, skill_id=skill_id, limit=MEMBERS_PAGE, offset=(page - 1) * MEMBERS_PAGE
    )
    total = service.count_members(db.session, status=chosen, skill_id=skill_id)
    return render_template(
        "members/directory.html",
        members=members,
        total=total,
        page=page,
        first=(page - 1) * MEMBERS_PAGE + 1,
        more=page * MEMBERS_PAGE < total,
        skills=service.list_skills(db.session),
        erasures_waiting=erasure.count_waiting(db.session),
        status=status,
        skill_id=skill_id,
    )


@bp.route("/members/invite", methods=["GET", "POST"])
@roles("coordinator")
def invite() -> str | Response:
    form = InviteMemberForm()
    form.skills.choices = _skill_choices()
    if form.validate_on_submit():
        with refusals(form) as done:
            member = service.invite_member(
                db.session,
                email=form.email.data or "",
                display_name=form.display_name.data or "",
                skill_ids=form.skills.data or [],
                invite_link=invite_link,
                coop_name=settings.get(db.session, K.COOP_NAME),
            )
        if done.ok:
            flash(_("Invitation sent to %(email)s.", email=member.user.email), "success")
            return redirect(url_for("members.edit_member", member_id=member.id))
    return render_template("members/invite.html", form=form)


@bp.route("/members/<int:member_id>", methods=["GET", "POST"])
@roles("coordinator")
def edit_member(member_id: int) -> str | Response:
    member = service.get_member(db.session, member_id)
    form = CoordinatorMemberForm(obj=member)
    form.skills.choices = _skill_choices()
    if request.method == "GET":
        form.skills.data = [s.id for s in member.skills]
    if form.validate_on_submit():
        with refusals(form) as done:
            service.set_skills(db.session, member, form.skills.data or [])
            service.update_profile(
                db.session,
                member,
                display_name=form.display_name.data or "",
                pronouns=form.pronouns.data or "",
                phone=form.phone.data or "",
                status=form.status.data or "",
                allow_left=True,
            )
        if done.ok:
            flash(_("Saved %(name)s's profile.", name=member.display_name), "success")
            return redirect(url_for("members.edit_member", member_id=member.id))
    return render_template("members/edit_member.html", form=form, member=member, resend=ResendForm())


@bp.route("/members/<int:member_id>/resend-invitation", methods=["POST"])
@roles("coordinator")
def resend_invitation(member_id: int) -> Response:
    member = service.get_member(db.session, member_id)
    if ResendForm().validate_on_submit():
        with refusals() as done:
            service.resend_invitation(
                db.session,
                member.user,
                invite_link=invite_link,
                coop_name=settings.get(db.session, K.COOP_NAME),
                name=member.display_name,
            )
        if done.ok:
            flash(_("Invitation sent again."), "success")
    return redirect(url_for("members.edit_member", member_id=member.id))


@bp.route("/skills", methods=["GET", "POST"])
@roles("coordinator")
def skills() -> str | Response:
    form = SkillForm()
    if form.validate_on_submit():
        with refusals(form) as done:
            service.save_skill(db.session, form.name.data or "", form.description.data or "")
        if done.ok:
            flash(_("Skill added."), "success")
            return redirect(url_for("members.skills"))
    return render_template(
        "members/skills.html",
        form=form,
        skills=service.list_skills(db.session),
        counts=service.skill_member_counts(db.session),
    )


@bp.route("/skills/<int:skill_id>", methods=["GET", "POST"])
@roles("coordinator")
def edit_skill(skill_id: int) -> str | Response:
    skill = service.get_skill(db.session, skill_id)
    form = SkillForm(obj=skill)
    if form.validate_on_submit():
        with refusals(form) as done:
            service.save_skill(db.session, form.name.data or "", form.description.data or "", skill)
        if done.ok:
            flash(_("Skill saved."), "success")
            return redirect(url_for("members.skills"))
    return render_template("members/edit_skill.html", form=form, skill=skill)


@bp.route("/people")
@roles("admin")
def people() -> str:
    users = auth.list_users(db.session)
    return render_template("members/people.html", users=users)


@bp.route("/people/<int:user_id>/roles", methods=["GET", "POST"])
@roles("admin")
def user_roles(user_id: int) -> str | Response:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound("No such person.")
    form = RolesForm()
    if request.method == "GET":
        form.roles.data = sorted(user.role_names)
    if form.validate_on_submit():
        with refusals(form) as done:
            auth.set_roles(db.session, user, set(form.roles.data or []), actor_id=current_user.id)
        if done.ok:
            flash(_("Roles saved for %(email)s.", email=user.email), "success")
            return redirect(url_for("members.people"))
    return render_template("members/user_roles.html", form=form, person=user)
