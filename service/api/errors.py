"""One JSON error format for every failure: code, status, a message naming the fields, errors.

The web pages share the app-wide handlers: browsers get an HTML error page instead.
"""

from __future__ import annotations

from flask import jsonify, render_template, request
from flask_smorest import Api
from werkzeug.http import HTTP_STATUS_CODES

from service.services.errors import DomainError

API_PREFIX = "/api/"
# The request location ("json", "query") says nothing a client needs in a message.
LOCATIONS = ("json", "query", "path", "headers")
# A submission can miss 35 items at once; the message names the first few, errors has all.
MESSAGE_PROBLEMS = 5


def describe_errors(errors, prefix: str = "") -> list[str]:
    """Turn {"json": {"answers": {"ei_1": ["msg"]}}} into ["answers.ei_1: msg"]."""
    if isinstance(errors, dict):
        lines = []
        for key, value in errors.items():
            path = "" if not prefix and key in LOCATIONS else f"{prefix}{key}."
            lines += describe_errors(value, path)
        return lines
    messages = errors if isinstance(errors, list) else [errors]
    field = prefix.rstrip(".")
    return [f"{field}: {message}" if field else str(message) for message in messages]


def wants_json() -> bool:
    """API paths always answer JSON; elsewhere only a client that asks for JSON gets it."""
    if request.path.startswith(API_PREFIX):
        return True
    offered = ["text/html", "application/json"]
    return request.accept_mimetypes.best_match(offered) == "application/json"


def error_page(status: int, message: str | None = None, headers=()):
    return render_template("error.html", status=status, message=message), status, headers


def protocol_headers(error) -> list[tuple[str, str]]:
    """The headers an HTTP error carries that a client acts on (Allow on a 405, Retry-After,
    WWW-Authenticate), without its own content type: the error page or document sets that."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


class JsonErrorApi(Api):
    """smorest's Api whose error documents always carry a readable message."""

    def handle_http_exception(self, error):
        if not wants_json():
            return error_page(error.code, headers=protocol_headers(error))
        payload, code, extra_headers = super().handle_http_exception(error)
        # smorest's document drops the error's own headers, such as a 405's Allow.
        headers = [*protocol_headers(error), *dict(extra_headers or {}).items()]
        if "message" not in payload:
            payload["message"] = (
                "invalid input: " + "; ".join(describe_errors(payload["errors"]))
                if "errors" in payload
                else error.description
            )
        return payload, code, headers


def handle_domain_error(error: DomainError):
    if not wants_json():
        return error_page(error.status_code, error.message)
    payload = {
        "code": error.status_code,
        "status": HTTP_STATUS_CODES[error.status_code],
        "message": error.message,
    }
    if error.errors:
        payload["errors"] = {"json": error.errors}
        problems = describe_errors(error.errors)
        shown = "; ".join(problems[:MESSAGE_PROBLEMS])
        if len(problems) > MESSAGE_PROBLEMS:
            shown += f"; and {len(problems) - MESSAGE_PROBLEMS} more (see errors)"
        payload["message"] += ": " + shown
    return jsonify(payload), error.status_code
