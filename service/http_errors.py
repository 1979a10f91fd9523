"""Every failure's answer, for the whole app: an HTML error page for browsers, one JSON
document (code, status, a message naming the fields, errors) for the API and for clients
that ask for JSON.

This is the edge where domain errors become HTTP: services raise them knowing nothing of
status codes, and STATUS_CODES below is the one place that maps them. create_app calls
init_errors once; pages and the API import what they need from here, never the reverse.
"""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from service.api_languages import (
    and_more,
    answer_in_callers_language,
    invalid_input,
    translate_errors,
    translate_message,
)
from service.services.errors import (
    Conflict,
    DomainError,
    Forbidden,
    Invalid,
    NotFound,
    TooSoon,
    Unauthorized,
    Unavailable,
)

# The most specific class wins; DomainError answers for a subclass not listed here.
STATUS_CODES: dict[type[DomainError], int] = {
    DomainError: 400,
    Unauthorized: 401,
    Forbidden: 403,
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
    TooSoon: 429,
    Unavailable: 503,
}

API_PREFIX = "/api/"
# The request location ("json", "query") says nothing a client needs in a message.
LOCATIONS = ("json", "query", "path", "headers")
# A submission can miss 35 items at once; the message names the first few, errors has all.
MESSAGE_PROBLEMS = 5


def status_of(error: DomainError) -> int:
    return next(STATUS_CODES[cls] for cls in type(error).__mro__ if cls in STATUS_CODES)


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


def protocol_headers(error: HTTPException) -> list[tuple[str, str]]:
    """The headers an HTTP error carries that a client acts on (Allow on a 405, Retry-After,
    WWW-Authenticate), without its own content type: the error page or document sets that."""
    return [(name, value) for name, value in error.get_headers() if name.lower() != "content-type"]


def handle_http_error(error: HTTPException):
    """Any HTTP error (an abort, a 404 route, a 405, invalid input, a server error)."""
    if not wants_json():
        return error_page(error.code, headers=protocol_headers(error))
    if request.path.startswith(API_PREFIX):
        answer_in_callers_language()
    payload = {"code": error.code, "status": error.name}
    # webargs' abort (smorest's request parsing) leaves what it found in `data`.
    data = getattr(error, "data", None) or {}
    if "message" in data:
        payload["message"] = translate_message(data["message"])
    if "errors" in data:
        payload["errors"] = translate_errors(data["errors"])
    elif "messages" in data:
        payload["errors"] = translate_errors(data["messages"])
    if "message" not in payload:
        payload["message"] = (
            invalid_input("; ".join(describe_errors(payload["errors"])))
            if "errors" in payload
            else translate_message(error.description)
        )
    headers = [*protocol_headers(error), *dict(data.get("headers") or {}).items()]
    return payload, error.code, headers


def handle_domain_error(error: DomainError):
    """A refusal from a service function: its message, and each offending field."""
    status = status_of(error)
    if not wants_json():
        return error_page(status, error.message)
    if request.path.startswith(API_PREFIX):
        answer_in_callers_language()
    payload = {"code": status, "status": HTTP_STATUS_CODES[status], "message": error.message}
    if error.errors:
        errors = translate_errors(error.errors)
        payload["errors"] = {"json": errors}
        problems = describe_errors(errors)
        shown = "; ".join(problems[:MESSAGE_PROBLEMS])
        if len(problems) > MESSAGE_PROBLEMS:
            shown += "; " + and_more(len(problems) - MESSAGE_PROBLEMS)
        payload["message"] += ": " + shown
    return jsonify(payload), status


def init_errors(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(DomainError, handle_domain_error)
