"""Routes of the team heatmap for HR (/hr/insights/heatmap), its CSV and XLSX downloads, and
the dashboard's download of the chosen rounds' published results."""

from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_babel import lazy_gettext
from wtforms import DateField, SelectField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

from service.downloads import send_export
from service.models import Person
from service.services.errors import Invalid
from service.services.insights.exports import export_heatmap, export_results
from service.services.insights.heatmap import (
    HeatmapFilter,
    heatmap_filter,
    team_heatmap_for,
)
from service.services.settings import current_settings
from service.web.auth import hr_required
from service.web.filters import FilterForm, NotBefore
from service.web.formatting import hr_page_labels
from service.web.hr.forms import ExportForm
from service.web.hr.views import dashboard_page, refused_selection
from service.web.insights.chart import heatmap_view, skill_names

bp = Blueprint("insights", __name__, url_prefix="/hr/insights")
# A refused download of results shows the dashboard again, which needs HR's page labels.
bp.context_processor(hr_page_labels)


class HeatmapFilterForm(FilterForm):
    group_by = SelectField(
        lazy_gettext("Teams"),
        choices=[
            SelectChoice("manager", lazy_gettext("By manager")),
            SelectChoice("department", lazy_gettext("By department")),
        ],
        default="manager",
    )
    closed_from = DateField(lazy_gettext("Rounds closed from (UTC)"), validators=[Optional()])
    closed_to = DateField(
        lazy_gettext("Rounds closed up to (UTC, inclusive)"),
        validators=[
            Optional(),
            NotBefore("closed_from", lazy_gettext("The end date is before the start date.")),
        ],
    )


def _filter(form: HeatmapFilterForm) -> HeatmapFilter:
    return heatmap_filter(form.group_by.data, None, form.closed_from.data, form.closed_to.data)


@bp.get("/heatmap")
@hr_required
def heatmap_page(person: Person):
    form = HeatmapFilterForm(request.args)
    page = {"form": form, "min_members": current_settings().heatmap_min_members}
    if not form.validate():
        return render_template("insights/heatmap.html", view=None, **page), 422
    wanted = _filter(form)
    skills = skill_names(wanted.instrument_id)
    view = heatmap_view(team_heatmap_for(person.id, wanted), skills)
    filters = {k: v for k, v in request.args.items() if k in form.data and v}
    return render_template(
        "insights/heatmap.html", view=view, skills=skills, filters=filters, **page
    )


@bp.get("/heatmap.<any(csv, xlsx):file_format>")
@hr_required
def download_heatmap(person: Person, file_format: str):
    form = HeatmapFilterForm(request.args)
    if not form.validate():
        page = {"form": form, "min_members": current_settings().heatmap_min_members}
        return render_template("insights/heatmap.html", view=None, **page), 422
    return send_export(export_heatmap(person.id, _filter(form), file_format))


@bp.post("/results.<any(csv, xlsx):file_format>")
@hr_required
def download_results(person: Person, file_format: str):
    """The dashboard's ticked rounds, their published results in one table."""
    form = ExportForm()
    if (refused := refused_selection(person, form)) is not None:
        return refused
    try:
        file = export_results(person.id, form.round_id.data or [], file_format)
    except Invalid as error:
        form.round_id.errors = list((error.errors or {}).get("round_id") or [error.message])
        return dashboard_page(person, form, status=422)
    return send_export(file)
