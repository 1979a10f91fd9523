"""Files the interactive report page loads: plotly.js from the installed package, the
report's own script and styles; no CDN."""

from __future__ import annotations

from flask import Blueprint, send_file, send_from_directory

from reports.charts import PLOTLY_JS_PATH
from reports.document import STATIC_DIR

bp = Blueprint("report_assets", __name__, url_prefix="/report-assets")


@bp.get("/plotly.min.js")
def plotly_js():
    return send_file(PLOTLY_JS_PATH, mimetype="text/javascript", max_age=86400)


@bp.get("/<path:filename>")
def asset(filename: str):
    return send_from_directory(STATIC_DIR, filename, max_age=3600)
