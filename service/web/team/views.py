"""Routes of the team page and the approval of a list of raters."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Length, Optional

from service.http_errors import status_of
from service.models import Person
from service.services.campaigns.nominations import approve_nominations
from service.services.campaigns.rules import STAGE_LABELS
from service.services.errors import Conflict, Invalid, NotFound
from service.services.insights.heatmap import heatmap_filter, team_heatmap_for
from service.services.people import MAX_EMAIL_LENGTH, MAX_NAME_LENGTH
from service.services.relationship_words import CHOICE, group_name
from service.services.settings import current_settings
from service.services.team import team_view
from service.web.auth import NOTICE, login_required
from service.web.insights.chart import heatmap_view, skill_names
from surveys.relationships import RATERS_NAMED

bp = Blueprint("team", __name__, url_prefix="/team")


class ApprovalForm(FlaskForm):
    remove = SelectMultipleField(lazy_gettext("Take out"), validate_choice=False)
    name = StringField(lazy_gettext("Name"), validators=[Optional(), Length(max=MAX_NAME_LENGTH)])
    email = EmailField(
        lazy_gettext("Email address"), validators=[Optional(), Length(max=MAX_EMAIL_LENGTH)]
    )
    relationship = SelectField(
        lazy_gettext("Relationship"),
        choices=[SelectChoice(r, CHOICE[r]) for r in RATERS_NAMED],
        default="peer",
        validate_choice=False,  # checked with the rest of the rater by the approval
    )


@bp.context_processor
def _labels():
    return {"stage_labels": STAGE_LABELS, "relationship_names": CHOICE, "group_name": group_name}


@bp.get("")
@login_required
def team_page(person: Person):
    team = team_view(person.id)
    heatmap = skills = None
    if team["members"]:
        # The manager's own row only, every closed round (services/insights/heatmap.py).
        wanted = heatmap_filter()
        skills = skill_names(wanted.instrument_id)
        heatmap = heatmap_view(team_heatmap_for(person.id, wanted, own_team=True), skills)
    return render_template(
        "team/team.html",
        team=team,
        heatmap=heatmap,
        skills=skills,
        min_members=current_settings().heatmap_min_members,
    )


def _approval_page(person: Person, round_id: str, form: ApprovalForm, status: int = 200):
    waiting = next(
        (a for a in team_view(person.id)["approvals"] if a["round_id"] == round_id), None
    )
    if waiting is None:
        abort(404)
    return render_template("team/approve.html", approval=waiting, form=form), status


@bp.get("/rounds/<round_id>")
@login_required
def approval_page(person: Person, round_id: str):
    return _approval_page(person, round_id, ApprovalForm(formdata=None))


@bp.post("/rounds/<round_id>/approve")
@login_required
def approve(person: Person, round_id: str):
    form = ApprovalForm()
    if not form.validate():
        return _approval_page(person, round_id, form, 422)
    add = []
    if form.name.data or form.email.data:
        add = [
            {
                "name": form.name.data or "",
                "email": form.email.data or "",
                "relationship": form.relationship.data,
            }
        ]
    try:
        round_ = approve_nominations(person.id, round_id, add=add, remove=form.remove.data or [])
    except NotFound:
        abort(404)
    except (Invalid, Conflict) as error:
        form.form_errors.append(error.message[:1].upper() + error.message[1:] + ".")
        if request.method == "POST" and isinstance(error, Conflict):
            flash(form.form_errors[-1], NOTICE)
            return redirect(url_for(".team_page"), code=303)
        return _approval_page(person, round_id, form, status_of(error))
    flash(gettext("%(name)s's list of raters is approved.", name=round_.subject.name), NOTICE)
    return redirect(url_for(".team_page"), code=303)
