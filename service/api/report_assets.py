"""Files the interactive report page loads: plotly.js from the installed package, the
report's own script and styles; no CDN."""

from __future__ import annotations

from flask import Blueprint, send_file, send_from_directory, url_for

from reports.charts import PLOTLY_JS_PATH
from reports.document import STATIC_DIR

bp = Blueprint("report_assets", __name__, url_prefix="/report-assets")


def report_asset_urls() -> dict[str, str]:
    """Where the interactive report finds plotly.js and the folder of its own assets (beside
    it), for the page and the API alike."""
    plotly_js_url = url_for("report_assets.plotly_js")
    return {"plotly_js_url": plotly_js_url, "static_url": plotly_js_url.rsplit("/", 1)[0] + "/"}


@bp.get("/plotly.min.js")
def plotly_js():
    return send_file(PLOTLY_JS_PATH, mimetype="text/javascript", max_age=86400)


@bp.get("/<path:filename>")
def asset(filename: str):
    return send_from_directory(STATIC_DIR, filename, max_age=3600)
