"""Files the pages load from the installed packages, from this site itself: no CDN."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from flask import Blueprint, send_file

bp = Blueprint("assets", __name__, url_prefix="/assets")
# The plotly package's own build of plotly.js, found without importing the package.
PLOTLY_PACKAGE = Path(importlib.util.find_spec("plotly").origin).parent
PLOTLY_JS = PLOTLY_PACKAGE / "package_data" / "plotly.min.js"
# A new plotly version is a new file and a new ETag; a week's cache spares a phone 4.8 MB.
MAX_AGE = 7 * 24 * 3600


@bp.get("/plotly.min.js")
def plotly_js():
    return send_file(PLOTLY_JS, mimetype="text/javascript", max_age=MAX_AGE)
