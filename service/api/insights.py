"""Insights API: the team heatmap (HR: every team; a manager: their own), HR's exports."""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import RAISE

from service.api.auth import current_person_id
from service.api.schemas.insights import (
    HeatmapExportQuerySchema,
    HeatmapQuerySchema,
    HeatmapSchema,
    ResultsExportQuerySchema,
)
from service.downloads import send_export
from service.services.insights.exports import export_heatmap, export_results
from service.services.insights.heatmap import heatmap_filter, team_heatmap_for

blp = Blueprint(
    "insights",
    __name__,
    url_prefix="/api/v1/insights",
    description="The team heatmap and HR's spreadsheets of published results.",
)
AUTH = {"security": [{"api_token": []}]}
SPREADSHEET = {"description": "A CSV (UTF-8) or XLSX file, as `format` asks"}
# A misspelt filter (closed_form) is refused rather than quietly ignored: the numbers would
# look right and mean something else.
QUERY = {"location": "query", "unknown": RAISE}


def _filter(query: dict):
    return heatmap_filter(
        query["group_by"], query["instrument"], query.get("closed_from"), query.get("closed_to")
    )


@blp.route("/heatmap")
class Heatmap(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(HeatmapQuerySchema, **QUERY)
    @blp.response(200, HeatmapSchema)
    def get(self, query):
        """Each team's mean published all-others score per skill (HR: every team and the
        organisation; a manager: their own team's row); a cell under the member rule is absent"""
        return team_heatmap_for(current_person_id(), _filter(query))


@blp.route("/heatmap/export")
class HeatmapExport(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(HeatmapExportQuerySchema, **QUERY)
    @blp.response(200, **SPREADSHEET)
    def get(self, query):
        """The heatmap as CSV or XLSX, with the XLSX's notes on how it was computed (HR)"""
        return send_export(export_heatmap(current_person_id(), _filter(query), query["format"]))


@blp.route("/results/export")
class ResultsExport(MethodView):
    @blp.doc(**AUTH)
    @blp.arguments(ResultsExportQuerySchema, **QUERY)
    @blp.response(200, **SPREADSHEET)
    def get(self, query):
        """The published per-skill results of the chosen closed rounds, one row per round and
        skill, as CSV or XLSX (HR; never an answer or a withheld score)"""
        return send_export(export_results(current_person_id(), query["round_id"], query["format"]))
