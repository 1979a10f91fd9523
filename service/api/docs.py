"""The interactive API docs page: Swagger UI served from the installed package, not a CDN."""

from __future__ import annotations

from flask import Blueprint, render_template, send_from_directory
from swagger_ui_bundle import swagger_ui_path

bp = Blueprint("api_docs", __name__)


@bp.get("/api/docs")
def docs_page():
    return render_template("api_docs.html")


@bp.get("/api/docs/assets/<path:filename>")
def docs_asset(filename: str):
    return send_from_directory(swagger_ui_path, filename)
