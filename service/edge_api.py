"""flask-smorest's Api as this service uses it: HTTP errors are answered by
service.http_errors (init_errors), never by smorest."""

from __future__ import annotations

from flask_smorest import Api


class EdgeErrorsApi(Api):
    """smorest's Api, leaving HTTP errors to init_errors' handler: smorest would register
    its own, JSON-only and dropping headers such as a 405's Allow, for the whole app."""

    def _register_error_handlers(self) -> None:
        pass
