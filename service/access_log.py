"""gunicorn's logs without the secrets that open the product: `--logger-class
service.access_log.TokenMaskingLogger`.

A rater's survey link (`/s/<token>`), pulse link (`/p/<token>`) and a sign-in link
(`/sign-in/<token>`) carry their secret in the path, so gunicorn's access log, which writes
the request line, would hand anyone who reads the logs the survey of every rater and an
account of everyone who signed in. The logger masks the token wherever a value of a log line
can hold such a path: the request line, path, query, Referer (the sign-in page posts to its
own address), the other headers and the WSGI environ (an object there is printed with str(),
and a request object prints its URL), the response's headers, and the error log's messages
(gunicorn names the request it failed on, Flask the path of a page that failed). Credentials
sent in headers (Authorization, Cookie, Set-Cookie) are hidden whole. Other paths are kept
as they are: they name ids, not secrets.
"""

from __future__ import annotations

import logging
import re

from gunicorn import glogging

HIDDEN = "[hidden]"
# Flask names the app's logger after the app's package (service.create_app).
APP_LOGGER = "service"

# The sign-in pages under /sign-in/ that are not links: their names stay readable.
SIGN_IN_PAGES = ("sent", "password")
_PAGES = "|".join(SIGN_IN_PAGES)

_SLASH = r"(?:/|%2[fF])"  # a path inside a query or another URL is percent-encoded
_SEGMENT_END = r"""(?:[/?#&;\s"']|%2[fF]|%3[fF]|$)"""
# Wherever the path begins (a request line, a full URL, a path under a prefix the proxy
# keeps, a path inside a query value): no other page has a segment named "s", "p" or
# "sign-in".
_TOKEN_LINK = re.compile(
    rf"""
    (?P<route>
        {_SLASH}[sp]{_SLASH}
        | {_SLASH}sign-in{_SLASH}(?!(?:{_PAGES}){_SEGMENT_END})
    )
    [^/?#&;\s"']+  # the token: up to the end of its path segment
    """,
    re.VERBOSE,
)

# Header atoms whose whole value is a credential: an API or survey token, a session cookie.
CREDENTIAL_ATOMS = frozenset(
    {
        "{authorization}i",
        "{proxy-authorization}i",
        "{cookie}i",
        "{set-cookie}o",
        "{http_authorization}e",
        "{http_proxy_authorization}e",
        "{http_cookie}e",
    }
)


def mask_token_links(text: str) -> str:
    """`text` with the token of every survey, pulse and sign-in link replaced by [hidden]."""
    return _TOKEN_LINK.sub(rf"\g<route>{HIDDEN}", text)


def masked_atom(key: str, value):
    """One access-log atom as it may be written: numbers as they are, text masked."""
    if key in CREDENTIAL_ATOMS:
        return HIDDEN
    if value is None or isinstance(value, int | float):
        return value
    # Environ objects are printed with str(), and a request object prints its URL.
    return mask_token_links(value if isinstance(value, str) else str(value))


class MaskTokenLinks(logging.Filter):
    """Masks survey and sign-in tokens in a record's message and traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit: logged as they came
            message = f"{record.msg} {record.args!r}"
        record.msg = mask_token_links(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            traceback = logging.Formatter().formatException(record.exc_info)
            record.exc_text = mask_token_links(traceback)
        return True


class TokenMaskingLogger(glogging.Logger):
    """gunicorn's logger, writing no survey or sign-in token and no credential header."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        # The app's own error log reaches the same output: Flask writes "Exception on <path>"
        # to the worker's error stream when a page fails, a link's page too.
        for log in (self.error_log, logging.getLogger(APP_LOGGER)):
            # setup runs again on each reload; the loggers (and their filters) stay.
            if not any(isinstance(kept, MaskTokenLinks) for kept in log.filters):
                log.addFilter(MaskTokenLinks())

    def atoms(self, resp, req, environ, request_time) -> dict:
        atoms = super().atoms(resp, req, environ, request_time)
        return {key: masked_atom(key, value) for key, value in atoms.items()}
