"""Absolute links to the product's pages, for API responses, emails and the CLI."""

from __future__ import annotations

from flask import current_app, has_request_context, request

FALLBACK_BASE_URL = "http://127.0.0.1:5000"


def base_url() -> str:
    configured = current_app.config.get("BASE_URL")
    if configured:
        return configured
    return request.url_root.rstrip("/") if has_request_context() else FALLBACK_BASE_URL


def survey_url(token: str) -> str:
    return f"{base_url()}/s/{token}"


def round_page_url(round_id: str) -> str:
    return f"{base_url()}/rounds/{round_id}"
