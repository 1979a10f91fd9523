"""Routes of HR's campaign pages (start one, follow one, act on all its rounds at once) and
the person's submission of their nominations from their round's page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from service.extensions import db
from service.models import Person
from service.services.campaigns import launch, nominations, progress, setup
from service.services.campaigns.rules import STAGE_LABELS
from service.services.dashboard import list_departments, list_managers
from service.services.errors import Conflict, DomainError, Invalid
from service.services.paging import Page
from service.web.auth import NOTICE, hr_required, login_required
from service.web.campaigns.forms import CampaignForm
from service.web.rounds.forms import ActionForm
from service.web.time_zone import in_utc
from surveys.relationships import RATERS_NAMED

bp = Blueprint("campaigns", __name__)
ROWS_PER_PAGE = 100


@bp.context_processor
def _labels():
    return {"stage_labels": STAGE_LABELS}


def _subjects(form: CampaignForm) -> list[str]:
    query = select(Person.email)
    if form.who.data == "department":
        query = query.where(Person.department == form.department.data)
    elif form.who.data == "manager":
        query = query.where(Person.manager_id == form.manager.data)
    return list(db.session.scalars(query.order_by(Person.email)))


def _campaigns_page(person: Person, form: CampaignForm, status: int = 200):
    form.department.choices = [SelectChoice(d, d) for d in list_departments(person.id)]
    form.manager.choices = [SelectChoice(m.id, m.name) for m in list_managers(person.id)]
    campaigns = progress.list_campaigns(person.id)
    return render_template("campaigns/campaigns.html", form=form, campaigns=campaigns), status


@bp.get("/hr/campaigns")
@hr_required
def campaigns_page(person: Person):
    return _campaigns_page(person, CampaignForm(formdata=None))


@bp.post("/hr/campaigns")
@hr_required
def start_campaign(person: Person):
    form = CampaignForm()
    if not form.validate():
        return _campaigns_page(person, form, 422)
    minimum = {r: getattr(form, f"minimum_{r}").data or 0 for r in RATERS_NAMED}
    try:
        campaign = setup.create_campaign(
            person.id,
            name=form.name.data,
            subjects=_subjects(form),
            nomination_deadline=in_utc(form.nomination_deadline.data),
            deadline=in_utc(form.deadline.data),
            manager_approval=form.manager_approval.data,
            minimum_raters=minimum,
            maximum_raters=form.maximum_raters.data,
        )
    except Invalid as error:
        form.form_errors.append(error.message[:1].upper() + error.message[1:] + ".")
        return _campaigns_page(person, form, 422)
    flash(
        gettext(
            "%(name)s is started; everyone in it is asked to name their raters.",
            name=campaign.name,
        ),
        NOTICE,
    )
    return redirect(url_for(".campaign_page", campaign_id=campaign.id), code=303)


@bp.get("/hr/campaigns/<campaign_id>")
@hr_required
def campaign_page(person: Person, campaign_id: str):
    campaign = progress.campaign_progress(person.id, campaign_id)
    rows = campaign["rounds"]
    pages = max(1, -(-len(rows) // ROWS_PER_PAGE))
    number = min(max(request.args.get("page", 1, type=int), 1), pages)
    start = (number - 1) * ROWS_PER_PAGE
    listing = Page(rows[start : start + ROWS_PER_PAGE], number, pages, len(rows))
    return render_template(
        "campaigns/campaign.html",
        campaign=campaign,
        listing=listing,
        action_form=ActionForm(formdata=None),
    )


ACTIONS = {
    "launch": (
        launch.launch_campaign,
        lambda r: gettext(
            "%(launched)s rounds launched; %(not_ready)s not ready.",
            launched=r["launched"],
            not_ready=r["not_ready"],
        ),
    ),
    "remind": (
        launch.remind_campaign,
        lambda r: gettext(
            "%(queued)s reminders queued (%(already)s already reminded today).",
            queued=r["queued"],
            already=r["already_reminded_today"],
        ),
    ),
    "close": (
        launch.close_campaign,
        lambda r: gettext("%(closed)s rounds closed.", closed=r["closed"]),
    ),
}


@bp.post("/hr/campaigns/<campaign_id>/<any(launch, remind, close):action>")
@hr_required
def campaign_action(person: Person, campaign_id: str, action: str):
    if not ActionForm().validate():
        abort(400)
    run, said = ACTIONS[action]
    try:
        flash(said(run(person.id, campaign_id)), NOTICE)
    except Conflict as error:
        flash(error.message[:1].upper() + error.message[1:] + ".", NOTICE)
    return redirect(url_for(".campaign_page", campaign_id=campaign_id), code=303)


@bp.post("/hr/campaigns/<campaign_id>/export")
@hr_required
def export_campaign(person: Person, campaign_id: str):
    if not ActionForm().validate():
        abort(400)
    try:
        export = launch.export_campaign(person.id, campaign_id)
    except DomainError as error:
        flash(error.message[:1].upper() + error.message[1:] + ".", NOTICE)
        return redirect(url_for(".campaign_page", campaign_id=campaign_id), code=303)
    return redirect(url_for("admin.export_page", export_id=export.id), code=303)


@bp.post("/rounds/<round_id>/nominations")
@login_required
def submit_nominations(person: Person, round_id: str):
    if not ActionForm().validate():
        abort(400)
    try:
        round_ = nominations.submit_nominations(person.id, round_id)
    except (Invalid, Conflict) as error:
        flash(error.message[:1].upper() + error.message[1:] + ".", NOTICE)
        return redirect(url_for("rounds.round_page", round_id=round_id), code=303)
    waiting = round_.nomination_stage == "awaiting_approval"
    flash(
        gettext("Your list is sent for approval.")
        if waiting
        else gettext("Your list is approved."),
        NOTICE,
    )
    return redirect(url_for("rounds.round_page", round_id=round_id), code=303)
