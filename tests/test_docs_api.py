"""Every operation of the app's OpenAPI document is described in docs/api.md. The guide
writes paths under `/api/v1` without that prefix (`GET /rounds/{id}`) or in full, with
its own names for the path parameters; both sides are compared with the parameters'
names left out."""

from __future__ import annotations

import re
from pathlib import Path

from service.extensions import api

ROOT = Path(__file__).resolve().parents[1]
API_GUIDE = ROOT / "docs" / "api.md"
API_PREFIX = "/api/v1"
METHODS = ("get", "post", "put", "patch", "delete")
# `GET /rounds[?status=…]`, `POST /rounds/{id}/raters`: the path ends before a query or
# an optional part.
REQUEST = re.compile(r"`(GET|POST|PUT|PATCH|DELETE) (/[^\s`?\[]*)")
PARAMETER = re.compile(r"\{[^}]*\}")


def normalise(path: str) -> str:
    path = path.removeprefix(API_PREFIX) or "/"
    return PARAMETER.sub("{}", path)


def operations(spec: dict) -> set[str]:
    return {
        f"{method.upper()} {normalise(path)}"
        for path, item in spec["paths"].items()
        for method in item
        if method in METHODS
    }


def documented(text: str) -> set[str]:
    return {f"{method} {normalise(path)}" for method, path in REQUEST.findall(text)}


def test_the_guide_parser_reads_both_ways_of_writing_a_path():
    text = "`GET /rounds[?status=draft]` and `POST /api/v1/rounds/{round}/raters/{rater_id}`"
    assert documented(text) == {"GET /rounds", "POST /rounds/{}/raters/{}"}


def test_every_operation_of_the_openapi_document_is_in_the_api_guide(app):
    with app.app_context():
        spec = api.spec.to_dict()
    in_spec = operations(spec)
    assert "POST /rounds/{}/launch" in in_spec  # the document is the app's
    missing = in_spec - documented(API_GUIDE.read_text(encoding="utf-8"))
    assert not missing, f"not in docs/api.md: {sorted(missing)}"
