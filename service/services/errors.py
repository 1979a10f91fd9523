"""Domain errors raised by service functions. They say what was refused and why; how that
reaches a client (an HTTP status, a page) is decided at the edge, in service.http_errors."""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel.speaklater import LazyString


class DomainError(Exception):
    def __init__(self, message, errors: dict | None = None):
        super().__init__(message)
        self._message = message
        self.errors = errors

    @property
    def message(self) -> str:
        """Worded when read: a message marked with lazy_gettext reads in the language of the
        answer (the API's edge chooses its caller's) rather than that of the raise."""
        return str(self._message)


def worded_later(separator: str, messages: Iterable) -> LazyString:
    """Messages joined when read, so that those marked with lazy_gettext keep waiting for the
    answer's language (a refusal that lists several problems in one line)."""
    messages = list(messages)
    return LazyString(lambda: separator.join(str(message) for message in messages))


class Unauthorized(DomainError):
    """No valid identity: a missing, unknown or expired token or link."""


class Forbidden(DomainError):
    """A known person who may not do this."""


class NotFound(DomainError):
    """Nothing there, or nothing this person may know exists."""


class Conflict(DomainError):
    """The step is not allowed in the current state (a closed round, a sealed response)."""


class Invalid(DomainError):
    """Input that breaks a rule; errors name each offending field."""


class TooSoon(DomainError):
    """Allowed again later (an email that may go only once a week); the message says when."""


class Unavailable(DomainError):
    """A part the server needs is missing or down (Chromium, the mail server); the message
    names it and how to put it right. Nothing the caller did: asking again later may work."""
